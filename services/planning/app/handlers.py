"""What every planning handler uses: the store, the org-tree copy, the clock, loading, and one way to append.

The handlers of each area (plans, branch life, work, advice, evidence) hold one :class:`PlanningHandlers`;
:func:`services.planning.app.commands.command_table` lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from sqlalchemy import select

from services.planning.adapters.evidence_files import EvidenceFiles
from services.planning.adapters.members import members_by_id, members_ever_in
from services.planning.adapters.read_models import attachments
from services.planning.domain.branch_life import MemberInfo
from services.planning.domain.checks import AttachmentInfo, require_unit, require_unit_on
from services.planning.domain.facts import Fact, check_fact
from services.planning.domain.plans import Plan
from services.planning.domain.records import Record
from services.planning.domain.streams import plan_stream, record_stream
from shared.clock import Clock, start_of_day
from shared.commands import Context
from shared.contracts.member_stays import stay_on
from shared.contracts.org import OrgUnit
from shared.contracts.planning import EvidenceRef
from shared.errors import ConflictError, NotFoundError
from shared.events import Envelope, Event, NewEvent
from shared.ids import new_id
from shared.orgtree import UnitDirectory
from shared.orgtree.guard import Dated
from shared.store import EventStore, StreamAppend


class PlanningHandlers:
    """The ports of the planning handlers, and what they share."""

    def __init__(
        self,
        store: EventStore,
        directory: UnitDirectory,
        files: EvidenceFiles,
        *,
        clock: Clock | None = None,
        max_evidence_bytes: int = 20 * 1024 * 1024,
    ) -> None:
        self.store = store
        self.directory = directory
        self.files = files
        self.clock = clock or Clock()
        self.max_evidence_bytes = max_evidence_bytes

    def today(self) -> date:
        return self.clock.today()

    async def unit(self, unit_id: str, *, field: str = "unit_id") -> OrgUnit:
        """The unit, known to planning's copy of the tree and active: for an undated command."""
        return require_unit(await self.directory.get(unit_id), unit_id, field=field)

    async def unit_on(self, unit_id: str, when: Dated, *, field: str = "unit_id") -> OrgUnit:
        """The unit, known to planning's copy of the tree, existing when the record is dated (a closed
        unit takes the records of its life)."""
        return require_unit_on(await self.directory.get(unit_id), unit_id, when, field=field)

    async def units(self, unit_ids: Iterable[str]) -> dict[str, OrgUnit | None]:
        return {unit_id: await self.directory.get(unit_id) for unit_id in dict.fromkeys(unit_ids)}

    async def members(self, member_ids: Iterable[str]) -> dict[str, MemberInfo]:
        """The members planning knows among ``member_ids``, with their time in each branch."""
        async with self.store.db.read() as conn:
            return await members_by_id(conn, member_ids)

    async def active_members(self, branch_ids: Sequence[str], on: date) -> int:
        """How many members were active in the branches on ``on``."""
        async with self.store.db.read() as conn:
            ever = await members_ever_in(conn, branch_ids)
        return sum(1 for member in ever if stay_on(member.stays, on, branch_ids) is not None)

    async def attachments(self, refs: Iterable[EvidenceRef | None]) -> dict[str, AttachmentInfo]:
        ids = [ref.attachment_id for ref in refs if ref is not None]
        if not ids:
            return {}
        async with self.store.db.read() as conn:
            rows = await conn.execute(
                select(attachments.c.attachment_id, attachments.c.unit_id, attachments.c.sha256).where(
                    attachments.c.attachment_id.in_(ids)
                )
            )
            return {r.attachment_id: AttachmentInfo(r.attachment_id, r.unit_id, r.sha256) for r in rows}

    async def find_plan(self, plan_id: str) -> Plan | None:
        return Plan.replay(await self._payloads(plan_stream(plan_id)))

    async def plan(self, plan_id: str) -> Plan:
        """The plan ``plan_id``; 404 when it was never drafted."""
        plan = await self.find_plan(plan_id)
        if plan is None:
            raise unknown_plan(plan_id)
        return plan

    async def record_state(self, kind: str, record_id: str) -> Record:
        """The activity, project, proposal or agreement ``record_id``; 404 when there is none."""
        record = Record.replay(kind, record_id, await self._payloads(record_stream(kind, record_id)))
        if record is None:
            raise unknown_record(kind, record_id)
        return record

    async def _payloads(self, stream_id: str) -> list[Event]:
        return [e.payload for e in await self.store.read_stream(stream_id)]

    async def ensure_new(self, stream_id: str, *, what: str, field: str, value: object) -> None:
        """A clear 409 for an id or a period already used (the store's version check still guards races)."""
        if await self.store.stream_version(stream_id) > 0:
            raise ConflictError(
                f"{what} is already recorded",
                rule="already_recorded",
                field=field,
                value=value,
                accepted="an id or period not recorded before (retry with the same Idempotency-Key to get the first answer)",
            )

    async def claim(
        self,
        ctx: Context,
        field: str,
        given: str | None,
        prefix: str,
        stream_of: Callable[[str], str],
        what: str,
    ) -> tuple[str, str]:
        """The id of a new record (:func:`chosen_id`) and its stream, not used before (else 409)."""
        record_id = chosen_id(ctx, field, given, prefix)
        stream = stream_of(record_id)
        await self.ensure_new(stream, what=f"{what} {record_id!r}", field=field, value=record_id)
        return record_id, stream

    async def append(
        self,
        stream_id: str,
        events: Sequence[Event],
        unit_path: str,
        day: date,
        ctx: Context,
        *,
        expected: int | None,
    ) -> list[Envelope]:
        occurred = start_of_day(day)
        new = [NewEvent(stream_id, event, unit_path, occurred) for event in events]
        return await self.store.append(
            StreamAppend(stream_id, new, expected), actor=ctx.actor, idempotency=ctx.idempotency
        )

    async def record(self, fact: Fact, unit_id: str, ctx: Context) -> list[Envelope]:
        """Record a fact under its new stream: its id or period used only once, its unit existing on its
        date."""
        await self.ensure_new(fact.stream_id, what=fact.what, field=fact.field, value=fact.value)
        unit = await self.unit_on(unit_id, fact.dated)
        evidence = await self.attachments(fact.evidence)
        check_fact(fact, unit_id=unit_id, attachments=evidence, today=self.today())
        return await self.append(fact.stream_id, [fact.event], unit.path, fact.day, ctx, expected=0)

    async def close(self, record: Record, event: Event, when: Dated, ctx: Context) -> list[Envelope]:
        """Append what closed an activity, project, proposal or agreement on the day ``when`` names, to
        the record as it was read; the record's unit existed that day."""
        unit = await self.unit_on(record.unit_id, when)
        stream = record_stream(record.kind, record.record_id)
        return await self.append(stream, [event], unit.path, when.first, ctx, expected=record.version)


class AreaHandlers:
    """The handlers of one area, over planning's ports."""

    def __init__(self, planning: PlanningHandlers) -> None:
        self.planning = planning


def chosen_id(ctx: Context, field: str, given: str | None, prefix: str) -> str:
    """The id of a new record: the one asked for, or a new one; named in the answer as ``field``."""
    record_id = given or new_id(prefix)
    ctx.named[field] = record_id
    return record_id


def unknown_record(kind: str, record_id: str, accepted: str = "") -> NotFoundError:
    """The answer for a plan, activity, project, proposal, agreement or attachment not recorded (over
    HTTP: or recorded for a unit outside the token's scope)."""
    return NotFoundError(
        f"{kind} {record_id!r} is not recorded",
        rule=f"unknown_{kind}",
        field=f"{kind}_id",
        value=record_id,
        accepted=accepted or f"the id of a recorded {kind}",
    )


def unknown_plan(plan_id: str) -> NotFoundError:
    return unknown_record("plan", plan_id, "the id of a drafted plan, e.g. 'pl-x.2026.annual_plan'")
