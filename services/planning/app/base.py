"""What every planning handler uses: the store, the org-tree copy, the clock, and one way to append."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select

from services.planning.adapters.evidence_files import EvidenceFiles
from services.planning.adapters.members import active_count, members_by_id
from services.planning.adapters.read_models import attachments
from services.planning.domain.branch_life import MemberInfo
from services.planning.domain.checks import AttachmentInfo
from services.planning.domain.records import Record
from shared.clock import Clock, start_of_day
from shared.contracts.org import OrgUnit
from shared.contracts.planning import EvidenceRef
from shared.errors import ConflictError, NotFoundError
from shared.events import Envelope, Event, NewEvent
from shared.orgtree import UnitDirectory
from shared.store import EventStore, StreamAppend
from shared.store.event_store import Idempotency


class PlanningContext:
    """The ports of the planning handlers."""

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

    async def units(self, unit_ids: Iterable[str]) -> dict[str, OrgUnit | None]:
        return {unit_id: await self.directory.get(unit_id) for unit_id in dict.fromkeys(unit_ids)}

    async def members(self, member_ids: Iterable[str]) -> dict[str, MemberInfo]:
        async with self.store.db.read() as conn:
            return await members_by_id(conn, member_ids)

    async def active_members(self, branch_ids: Iterable[str]) -> int:
        async with self.store.db.read() as conn:
            return await active_count(conn, branch_ids)

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

    async def record_state(self, kind: str, record_id: str) -> Record:
        """The activity, project, proposal or agreement ``record_id``; 404 when there is none."""
        record = Record.replay(kind, record_id, await self._payloads(f"{kind}-{record_id}"))
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

    async def append(
        self,
        stream_id: str,
        events: Sequence[Event],
        unit_path: str,
        day: date,
        *,
        expected: int | None,
        actor: str,
        idempotency: Idempotency | None,
    ) -> list[Envelope]:
        occurred = start_of_day(day)
        new = [NewEvent(stream_id, event, unit_path, occurred) for event in events]
        return await self.store.append(
            StreamAppend(stream_id, new, expected), actor=actor, idempotency=idempotency
        )


def unknown_record(kind: str, record_id: str) -> NotFoundError:
    """The answer for an activity, project, proposal or agreement not recorded (over HTTP: or not in scope)."""
    return NotFoundError(
        f"{kind} {record_id!r} is not recorded",
        rule=f"unknown_{kind}",
        field=f"{kind}_id",
        value=record_id,
        accepted=f"the id of a recorded {kind}",
    )
