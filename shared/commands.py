"""Commands, and the one table per service that sends each to its handler.

A command (lệnh) is a request to change something, typed in its service's ``domain/commands.py``. Its
handler, in the service's ``app/``, loads what the decision needs, lets the domain decide, and appends
the events in one transaction of the event store (the unit of work: events, outbox, idempotency record
and effects such as a new key commit together or not at all). Each service lists its handlers in one
:class:`CommandTable`, with the permission each command needs and what it acts on, so that finding a
command takes two hops: ``domain/commands.py``, then the table in ``app/commands.py``.

Over HTTP, :mod:`shared.http.commands` authorises a command on its :class:`Target`, applies the
``Idempotency-Key`` and runs it here; a test or a script calls :meth:`CommandTable.handle` directly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from shared.auth import Permission
from shared.contracts.org import OrgUnit
from shared.events import Envelope
from shared.store.event_store import Idempotency


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """The base of every command: a frozen, typed record of what is asked."""


C = TypeVar("C", bound=Command)
Reply = Callable[[Sequence[Envelope]], Any]


@dataclass(frozen=True, slots=True)
class Target:
    """What a command acts on, for the scope check: a unit, or a record found by its id.

    ``kind`` names how it is found (``unit``, ``member``, ``plan`` …; each service registers how to
    find the unit of each of its kinds), ``field`` is the request field the id came from.
    """

    kind: str
    id: str
    field: str
    names: tuple[Target, ...] = ()
    """What else the command names in its body (a new parent, a referrer): each is held to the token's
    scope through its own kind, after the target itself, so that a body cannot reach past the scope."""


def on_unit(unit_id: str, field: str = "unit_id") -> Target:
    return Target("unit", unit_id, field)


@dataclass(slots=True)
class Context:
    """Who asks, under which ``Idempotency-Key``, and the unit the command was authorised on."""

    actor: str
    idempotency: Idempotency | None = None
    unit: OrgUnit | None = None
    acting_unit_id: str = ""
    """The unit the caller's token stands for (an appraisal is made by the recognising unit)."""
    permissions: frozenset[Permission] = frozenset()
    """What the caller's role allows, for a rule that depends on it (dead letters are for operators)."""
    named: dict[str, Any] = field(default_factory=dict)
    """What the answer names besides the events, chosen by the handler (the id it gave a new record).
    Ids are chosen in the handler, never in the command, so that a retry is the same command."""
    reply: Reply | None = field(default=None)
    """Set by a handler whose answer is not its events (the recognition answers with its new state)."""

    def the_unit(self) -> OrgUnit:
        """The unit the command was authorised on (every command over HTTP has one)."""
        if self.unit is None:
            raise LookupError("the command was not authorised on a unit")
        return self.unit


Handler = Callable[[C, Context], Awaitable[Sequence[Envelope]]]


@dataclass(frozen=True, slots=True)
class Handling(Generic[C]):
    """A command's row in its service's table: its handler, the permission it needs, what it acts on."""

    handler: Handler[C]
    permission: Permission
    target: Callable[[C], Target]


class CommandTable:
    """One service's commands, each with its one handler."""

    def __init__(self, rows: Mapping[type[Command], Handling[Any]]) -> None:
        self._rows = dict(rows)

    def __contains__(self, kind: type[Command]) -> bool:
        return kind in self._rows

    def handling(self, command: Command) -> Handling[Any]:
        try:
            return self._rows[type(command)]
        except KeyError:
            raise LookupError(f"no handler for {type(command).__name__}") from None

    async def handle(self, command: Command, context: Context) -> Sequence[Envelope]:
        return await self.handling(command).handler(command, context)


def row(handler: Handler[C], permission: Permission, target: Callable[[C], Target]) -> Handling[C]:
    """A table row, typed by its handler's command."""
    return Handling(handler, permission, target)
