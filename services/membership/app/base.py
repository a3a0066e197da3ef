"""What every membership handler shares: the store, the org tree, the keys and the clock; the lookups of a
member or a case, and the appends to a member's or a unit's stream."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select

from services.membership.adapters.keys import KeyRing
from services.membership.adapters.read_models import hardship_cases
from services.membership.domain.care import HardshipCase
from services.membership.domain.member import Member, in_branch_life, require_member
from services.membership.domain.streams import member_stream, unit_stream
from shared.clock import Clock, start_of_day, utcnow
from shared.commands import Context
from shared.contracts import membership as ev
from shared.contracts.org import OrgUnit
from shared.events import Envelope, Event, NewEvent
from shared.orgtree import UnitDirectory
from shared.orgtree.guard import Dated
from shared.store import ANY_VERSION, EventStore, StreamAppend
from shared.store.appending import InlineProjection


class Membership:
    """The ports of the membership service, as its handlers use them."""

    def __init__(
        self,
        store: EventStore,
        directory: UnitDirectory,
        clock: Clock | None = None,
        keys: KeyRing | None = None,
    ) -> None:
        self.store = store
        self.directory = directory
        self.keys = keys or KeyRing(store.db)
        self.clock = clock or Clock()

    def today(self) -> date:
        return self.clock.today()

    async def member(self, member_id: str) -> Member:
        return require_member(await self.find_member(member_id), member_id)

    async def member_on(self, member_id: str, when: Dated) -> Member:
        """The member, for a record dated ``when`` in their branch: the branch existed then."""
        member = await self.member(member_id)
        in_branch_life(member, await self.directory.get(member.branch_id), when)
        return member

    async def find_member(self, member_id: str) -> Member | None:
        history = await self.store.read_stream(member_stream(member_id))
        return Member.from_history(e.payload for e in history)

    async def birth_date(self, member: Member) -> date | None:
        """From the sealed profile; None once the person is erased."""
        fields = await self.keys.open(member.profile)
        return date.fromisoformat(fields["birth_date"]) if fields and "birth_date" in fields else None

    async def hardship_case(self, case_id: str) -> HardshipCase | None:
        async with self.store.db.read() as conn:
            row = (
                await conn.execute(select(hardship_cases).where(hardship_cases.c.case_id == case_id))
            ).first()
        if row is None:
            return None
        return HardshipCase(row.case_id, row.unit_id, row.listed_on, row.closed_on)

    async def append(
        self,
        new: NewEvent,
        ctx: Context,
        expected: int | None = ANY_VERSION,
        effects: InlineProjection | None = None,
    ) -> Sequence[Envelope]:
        """Append one event, expecting its stream at ``expected``, as ``ctx``'s actor, once per its key."""
        return await self.store.append(
            StreamAppend(new.stream_id, [new], expected),
            actor=ctx.actor,
            idempotency=ctx.idempotency,
            effects=effects,
        )

    async def record(
        self,
        member: Member,
        event: Event,
        ctx: Context,
        *,
        on: date | None = None,
        effects: InlineProjection | None = None,
    ) -> Sequence[Envelope]:
        """Append an event to the member's stream, expecting it where ``member`` was read.

        It belongs to the branch the member was in on ``on`` (the record's date: a record back-filled after
        a transfer counts for the branch they were in then), else to their own; a transfer accepted, to
        the branch that takes them in.
        """
        branch_id = (
            event.to_branch_id if isinstance(event, ev.MemberTransferAccepted) else member.branch_on(on)
        )
        path = await self.directory.path_of(branch_id)
        assert path is not None
        new = NewEvent(member_stream(member.member_id), event, path, _occurred(on))
        return await self.append(new, ctx, member.version, effects)

    async def unit_event(
        self, unit: OrgUnit, event: Event, ctx: Context, *, on: date | None = None
    ) -> Sequence[Envelope]:
        """Append an event about ``unit`` to its stream."""
        return await self.append(NewEvent(unit_stream(unit.unit_id), event, unit.path, _occurred(on)), ctx)


def _occurred(on: date | None) -> datetime:
    """When a dated decision happened: the start of its day; an undated one, now."""
    return start_of_day(on) if on is not None else utcnow()
