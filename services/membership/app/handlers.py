"""Membership's command handlers: load the state, decide, append."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.membership.adapters.keys import KeyRing, Sealer, destroy_key
from services.membership.adapters.read_models import hardship_cases, members, unit_reports
from services.membership.domain import care
from services.membership.domain import members as member_rules
from services.membership.domain import units as unit_rules
from services.membership.domain.member import Member, MemberStatus, require_member
from services.membership.domain.profile import Profile
from shared.clock import Clock, start_of_day, utcnow
from shared.commands import Context
from shared.contracts import membership as ev
from shared.contracts.org import OrgUnit, UnitLevel, UnitType
from shared.errors import ConflictError, NotFoundError
from shared.events import Envelope, Event, NewEvent
from shared.orgtree import UnitDirectory
from shared.store import ANY_VERSION, NO_STREAM, EventStore, StreamAppend
from shared.store.event_store import Idempotency

ROOT_UNIT_ID = "vn"
ROOT_UNIT_NAME = "Trung ương Đoàn TNCS Hồ Chí Minh"

Decide = Callable[[Member], Event]


def unit_stream(unit_id: str) -> str:
    return f"unit-{unit_id}"


def member_stream(member_id: str) -> str:
    return f"member-{member_id}"


def case_stream(case_id: str) -> str:
    return f"hardship-{case_id}"


class MembershipHandlers:
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

    # The org tree

    async def ensure_root(self) -> None:
        """The tree always has its central unit, so the first tokens have somewhere to stand."""
        if await self.directory.get(ROOT_UNIT_ID) is not None:
            return
        event = ev.UnitRegistered(
            unit_id=ROOT_UNIT_ID,
            name=ROOT_UNIT_NAME,
            level=UnitLevel.CENTRAL,
            unit_type=UnitType.OTHER,
            parent_id=None,
        )
        new = NewEvent(unit_stream(ROOT_UNIT_ID), event, ROOT_UNIT_ID, utcnow())
        await self.store.append(StreamAppend(new.stream_id, [new], NO_STREAM), actor="system")

    async def register_unit(
        self, cmd: unit_rules.RegisterUnit, *, actor: str, idempotency: Idempotency | None = None
    ) -> Sequence[Envelope]:
        existing = await self.directory.get(cmd.unit_id)
        parent = await self.directory.get(cmd.parent_id)
        recognising = await self.directory.get(cmd.recognising_unit_id) if cmd.recognising_unit_id else None
        event = unit_rules.register_unit(cmd, existing=existing, parent=parent, recognising=recognising)
        assert parent is not None
        new = NewEvent(unit_stream(cmd.unit_id), event, f"{parent.path}.{cmd.unit_id}", utcnow())
        return await self.store.append(
            StreamAppend(new.stream_id, [new], NO_STREAM), actor=actor, idempotency=idempotency
        )

    async def unit_event(
        self,
        unit: OrgUnit,
        event: Event,
        *,
        actor: str,
        idempotency: Idempotency | None,
        on: date | None = None,
    ) -> Sequence[Envelope]:
        """Append an event about ``unit`` to its stream."""
        occurred = start_of_day(on) if on is not None else utcnow()
        new = NewEvent(unit_stream(unit.unit_id), event, unit.path, occurred)
        return await self.store.append(
            StreamAppend(new.stream_id, [new], ANY_VERSION), actor=actor, idempotency=idempotency
        )

    async def rename_unit(
        self, unit_id: str, name: str, *, actor: str, idempotency: Idempotency | None = None
    ) -> Sequence[Envelope]:
        unit = await self.directory.get(unit_id)
        event = unit_rules.rename_unit(unit, unit_id, name)
        assert unit is not None
        return await self.unit_event(unit, event, actor=actor, idempotency=idempotency)

    async def move_unit(
        self,
        unit_id: str,
        new_parent_id: str,
        recognising_unit_id: str | None,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> Sequence[Envelope]:
        unit = await self.directory.get(unit_id)
        event = unit_rules.move_unit(
            unit,
            unit_id,
            new_parent=await self.directory.get(new_parent_id),
            new_parent_id=new_parent_id,
            recognising=await self.directory.get(recognising_unit_id) if recognising_unit_id else None,
            recognising_unit_id=recognising_unit_id,
        )
        assert unit is not None
        # The event carries the new path: subscribers of the new parent's subtree see the move.
        parent_path = await self.directory.path_of(new_parent_id)
        new = NewEvent(unit_stream(unit_id), event, f"{parent_path}.{unit_id}", utcnow())
        return await self.store.append(
            StreamAppend(new.stream_id, [new]), actor=actor, idempotency=idempotency
        )

    async def close_unit(
        self,
        unit_id: str,
        reason: str,
        merged_into: str | None,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> Sequence[Envelope]:
        unit = await self.directory.get(unit_id)
        below = await self.directory.below(unit_id, include_self=False, active_only=True) if unit else []
        on_rolls = await self.members_on_rolls(unit.path) if unit else 0
        event = unit_rules.close_unit(
            unit,
            unit_id,
            reason=reason,
            merged_into=await self.directory.get(merged_into) if merged_into else None,
            merged_into_id=merged_into,
            active_units_below=len(below),
            members_on_rolls=on_rolls,
        )
        assert unit is not None
        return await self.unit_event(unit, event, actor=actor, idempotency=idempotency)

    async def members_on_rolls(self, path: str) -> int:
        under = (members.c.unit_path == path) | members.c.unit_path.startswith(f"{path}.", autoescape=True)
        on_rolls = members.c.status.in_([MemberStatus.ACTIVE.value, MemberStatus.IN_TRANSFER.value])
        async with self.store.db.read() as conn:
            count = (
                await conn.execute(select(func.count()).select_from(members).where(under & on_rolls))
            ).scalar()
        return int(count or 0)

    async def reported(self, unit_id: str, kind: str, period: str) -> bool:
        async with self.store.db.read() as conn:
            row = (
                await conn.execute(
                    select(unit_reports.c.unit_id).where(
                        (unit_reports.c.unit_id == unit_id)
                        & (unit_reports.c.kind == kind)
                        & (unit_reports.c.period == period)
                    )
                )
            ).first()
        return row is not None

    # Members

    async def member(self, member_id: str) -> Member:
        return require_member(await self.find_member(member_id), member_id)

    async def find_member(self, member_id: str) -> Member | None:
        history = await self.store.read_stream(member_stream(member_id))
        return Member.from_history(e.payload for e in history)

    async def union_of(self, unit_id: str) -> str | None:
        """The grassroots union that holds (or is) the unit; None for a unit above the unions, or unknown."""
        unit = await self.directory.get(unit_id)
        while unit is not None and unit.level is not UnitLevel.GRASSROOTS:
            unit = await self.directory.get(unit.parent_id) if unit.parent_id else None
        return unit.unit_id if unit is not None else None

    async def birth_date(self, member: Member) -> date | None:
        """From the sealed profile; None once the person is erased."""
        fields = await self.keys.open(member.profile)
        return date.fromisoformat(fields["birth_date"]) if fields and "birth_date" in fields else None

    async def admit_member(
        self, cmd: member_rules.AdmitMember, *, actor: str, idempotency: Idempotency | None = None
    ) -> Sequence[Envelope]:
        branch = await self.directory.get(cmd.branch_id)
        exists = await self.store.stream_version(member_stream(cmd.member_id)) > 0
        referrer = await self.find_member(cmd.referred_by) if cmd.referred_by is not None else None
        sealer = await self.keys.sealer([cmd.member_id])
        event = member_rules.admit_member(
            cmd,
            branch=branch,
            member_exists=exists,
            union_id=await self.union_of(cmd.branch_id),
            referrer_union_id=await self.union_of(referrer.branch_id) if referrer is not None else None,
            today=self.today(),
            sealed=sealer.seal(cmd.member_id, cmd.profile.sealed_fields()),
        )
        assert branch is not None
        new = NewEvent(member_stream(cmd.member_id), event, branch.path, start_of_day(cmd.joined_on))
        return await self.store.append(
            StreamAppend(new.stream_id, [new], NO_STREAM),
            actor=actor,
            idempotency=idempotency,
            effects=sealer.store_created,
        )

    async def update_profile(
        self, member: Member, profile: Profile, *, actor: str, idempotency: Idempotency | None = None
    ) -> Sequence[Envelope]:
        if member.erased:
            raise ConflictError(
                f"member {member.member_id!r} was erased at their request",
                rule="person_erased",
                field="member_id",
                value=member.member_id,
                accepted="a member who has not been erased",
            )
        sealer = await self.keys.sealer([member.member_id])
        event = ev.MemberProfileUpdated(
            member_id=member.member_id,
            profile=sealer.seal(member.member_id, profile.sealed_fields()),
            birth_year=profile.birth_date.year,
            missing_fields=profile.missing_fields(),
        )
        return await self.member_event(member, event, actor=actor, idempotency=idempotency, effects=sealer)

    async def record(
        self, member: Member, event: Event, ctx: Context, *, on: date | None = None
    ) -> Sequence[Envelope]:
        """Append a command's event to the member's stream, as ``ctx``'s actor, once per its key."""
        return await self.member_event(member, event, actor=ctx.actor, idempotency=ctx.idempotency, on=on)

    async def member_event(
        self,
        member: Member,
        event: Event,
        *,
        actor: str,
        idempotency: Idempotency | None,
        on: date | None = None,
        effects: Sealer | None = None,
    ) -> Sequence[Envelope]:
        """Append an event to the member's stream, expecting it where ``member`` was read."""
        branch_id = event.to_branch_id if isinstance(event, ev.MemberTransferAccepted) else member.branch_id
        path = await self.directory.path_of(branch_id)
        assert path is not None
        occurred = start_of_day(on) if on is not None else utcnow()
        new = NewEvent(member_stream(member.member_id), event, path, occurred)
        return await self.store.append(
            StreamAppend(new.stream_id, [new], member.version),
            actor=actor,
            idempotency=idempotency,
            effects=effects.store_created if effects else None,
        )

    # Youth care

    async def hardship_case(self, case_id: str) -> care.HardshipCase | None:
        async with self.store.db.read() as conn:
            row = (
                await conn.execute(select(hardship_cases).where(hardship_cases.c.case_id == case_id))
            ).first()
        if row is None:
            return None
        return care.HardshipCase(row.case_id, row.unit_id, row.listed_on, row.closed_on)

    async def list_hardship_case(
        self,
        unit: OrgUnit,
        case_id: str,
        listed_on: date,
        details: care.HardshipDetails,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> Sequence[Envelope]:
        sealer = await self.keys.sealer([case_id])
        event = care.list_hardship_case(
            unit,
            case_id=case_id,
            listed_on=listed_on,
            sealed=sealer.seal(case_id, details.model_dump(mode="json", exclude_none=True)),
            exists=await self.hardship_case(case_id) is not None,
            today=self.today(),
        )
        new = NewEvent(case_stream(case_id), event, unit.path, start_of_day(listed_on))
        return await self.store.append(
            StreamAppend(new.stream_id, [new], NO_STREAM),
            actor=actor,
            idempotency=idempotency,
            effects=sealer.store_created,
        )

    async def case_event(
        self, case: care.HardshipCase, event: Event, on: date, *, actor: str, idempotency: Idempotency | None
    ) -> Sequence[Envelope]:
        path = await self.directory.path_of(case.unit_id)
        assert path is not None
        new = NewEvent(case_stream(case.case_id), event, path, start_of_day(on))
        return await self.store.append(
            StreamAppend(new.stream_id, [new]), actor=actor, idempotency=idempotency
        )

    async def open_cases(self, unit_id: str) -> int:
        async with self.store.db.read() as conn:
            value = (
                await conn.execute(
                    select(func.count())
                    .select_from(hardship_cases)
                    .where((hardship_cases.c.unit_id == unit_id) & hardship_cases.c.closed_on.is_(None))
                )
            ).scalar()
        return int(value or 0)

    # Erasure

    async def erase(
        self, person_id: str, request_ref: str, *, actor: str, idempotency: Idempotency | None = None
    ) -> Sequence[Envelope]:
        """Destroy the person's key and record it: their sealed fields become unreadable everywhere."""
        stream, path = await self.person_stream(person_id)
        history = await self.store.read_stream(stream)
        if any(isinstance(e.payload, ev.PersonErased) for e in history):
            # A retry after an erasure whose purge did not finish (503) finishes it.
            await self.keys.purge_destroyed()
            raise ConflictError(
                f"person {person_id!r} is already erased",
                rule="person_erased",
                field="person_id",
                value=person_id,
                accepted="a person not yet erased",
            )
        event = ev.PersonErased(person_id=person_id, erased_on=self.today(), request_ref=request_ref)
        new = NewEvent(stream, event, path, utcnow())

        async def shred(conn: AsyncConnection, _events: Sequence[Envelope]) -> None:
            await destroy_key(conn, person_id)

        return await self.store.append(
            StreamAppend(stream, [new], len(history)), actor=actor, idempotency=idempotency, effects=shred
        )

    async def person_stream(self, person_id: str) -> tuple[str, str]:
        """The stream that holds a person's sealed fields, and the path of their unit."""
        history = await self.store.read_stream(member_stream(person_id))
        member = Member.from_history(e.payload for e in history)
        if member is not None:
            path = await self.directory.path_of(member.branch_id)
            assert path is not None
            return member_stream(person_id), path
        case = await self.hardship_case(person_id)
        if case is not None:
            path = await self.directory.path_of(case.unit_id)
            assert path is not None
            return case_stream(person_id), path
        raise unknown_person(person_id)


def unknown_person(person_id: str) -> NotFoundError:
    """The answer for a person who is not known (and, over HTTP, for one outside the token's scope)."""
    return NotFoundError(
        f"person {person_id!r} is not known",
        rule="unknown_person",
        field="person_id",
        value=person_id,
        accepted="the id of a member or of a young person on a hardship list",
    )
