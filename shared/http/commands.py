"""The one way a route runs a command: authorise on its target, apply the ``Idempotency-Key``, handle.

A route declares its body and builds the typed command; :data:`Commands` does the rest::

    @router.post("/members/{member_id}/maturity", status_code=201)
    async def mature(member_id: PersonIdPath, body: MaturityRequest, run: Commands) -> JSONResponse:
        return await run(MatureMember(member_id=member_id, matured_on=body.matured_on))

The service's :class:`~shared.commands.CommandTable` (``app.state.commands``) gives the command's
handler, permission and target; the service's scopes (``app.state.scopes``) say how to find the unit
of each kind of target (a member's branch, a plan's unit …). A target outside the token's scope answers
as one that does not exist (ADR 0004).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from shared.auth import Permission, Principal, permissions_of
from shared.commands import Command, CommandTable, Context, Reply, Target
from shared.events import Envelope
from shared.http.auth import CurrentPrincipal, authorize, require_permission
from shared.http.idempotency import IdempotencyKey, run_command
from shared.orgtree import OrgUnit
from shared.store.event_store import Idempotency

Scope = Callable[[Request, Principal, Permission, Target], Awaitable[OrgUnit]]
"""Finds the unit a target belongs to, within the token's scope, or raises the target's 404."""
Vet = Callable[[OrgUnit], Awaitable[object]]
"""Checks, within the token's scope, what a command names besides its target (given the target's unit)."""


async def unit_scope(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    return await authorize(request, principal, permission, target.id, field=target.field)


async def in_scope(request: Request, principal: Principal, permission: Permission, target: Target) -> OrgUnit:
    """The unit ``target`` belongs to, if the token may ``permission`` on it: 403 for the role (before
    anything is looked up), 404 outside the scope, alike for a target that does not exist."""
    require_permission(principal, permission)
    scopes: Mapping[str, Scope] = request.app.state.scopes
    scope = unit_scope if target.kind == "unit" else scopes[target.kind]
    return await scope(request, principal, permission, target)


def event_answer(envelopes: Sequence[Envelope], **extra: Any) -> dict[str, Any]:
    """A command's answer: what it names, and the events it recorded."""
    return {
        **extra,
        "events": [{"event_id": str(e.event_id), "type": e.type, "position": e.position} for e in envelopes],
    }


class CommandRunner:
    """Runs one request's command: built per request by the :data:`Commands` dependency."""

    def __init__(self, request: Request, principal: Principal, idempotency_key: str | None) -> None:
        self.request = request
        self.principal = principal
        self.idempotency_key = idempotency_key

    @property
    def table(self) -> CommandTable:
        table: CommandTable = self.request.app.state.commands
        return table

    async def authorise(self, command: Command) -> OrgUnit:
        """The unit ``command`` acts on, if the token may: 403 for the role, 404 outside the scope."""
        handling = self.table.handling(command)
        target = handling.target(command)
        unit = await in_scope(self.request, self.principal, handling.permission, target)
        for named in target.names:
            await in_scope(self.request, self.principal, handling.permission, named)
        return unit

    async def __call__(
        self,
        command: Command,
        *,
        status_code: int = 201,
        vet: Vet | None = None,
        **answer: Any,
    ) -> JSONResponse:
        """Authorise, then run ``command`` once per ``Idempotency-Key``; answer with its events and
        ``answer`` (or with what its handler replies).

        ``vet``: checks what the command names besides its target (members, other units) within the
        token's scope, given the target's unit; run just before the handler, so a retry answered from its
        ``Idempotency-Key`` is not checked again.
        """
        unit = await self.authorise(command)
        context = Context(
            actor=self.principal.subject,
            unit=unit,
            acting_unit_id=self.principal.unit_id,
            permissions=permissions_of(self.principal.role),
        )

        async def execute(idempotency: Idempotency | None) -> Sequence[Envelope]:
            if vet is not None:
                await vet(unit)
            context.idempotency = idempotency
            return await self.table.handle(command, context)

        def reply(envelopes: Sequence[Envelope]) -> Any:
            chosen: Reply | None = context.reply
            return (
                chosen(envelopes)
                if chosen is not None
                else event_answer(envelopes, **answer, **context.named)
            )

        store = self.request.app.state.runtime.store
        return await run_command(
            self.request, store, self.idempotency_key, command, execute, reply, status_code=status_code
        )


def command_runner(
    request: Request, principal: CurrentPrincipal, idempotency_key: IdempotencyKey = None
) -> CommandRunner:
    return CommandRunner(request, principal, idempotency_key)


Commands = Annotated[CommandRunner, Depends(command_runner)]
"""A route's way to run its command (authorised, once per ``Idempotency-Key``, in one transaction)."""
