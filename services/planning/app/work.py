"""Handlers of the unit's work, advice and coordination: facts recorded once, and records that close."""

from __future__ import annotations

from datetime import date

from services.planning.app.base import PlanningContext
from services.planning.domain import advice, work
from services.planning.domain.checks import require_unit
from services.planning.domain.facts import check_fact, evidence_of
from services.planning.domain.records import Record
from shared.contracts.planning import AdvisoryOutcome, EvidenceRef
from shared.events import Envelope, Event
from shared.store.event_store import Idempotency


class WorkHandlers(PlanningContext):
    async def record_fact(
        self,
        stream_id: str,
        event: Event,
        unit_id: str,
        day: date,
        *,
        what: str,
        field: str,
        value: object,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        """Record a fact under a new stream: an id or a period (``field`` = ``value``) used only once."""
        await self.ensure_new(stream_id, what=what, field=field, value=value)
        unit = require_unit(await self.directory.get(unit_id), unit_id)
        check_fact(
            event, unit_id=unit_id, attachments=await self.attachments(evidence_of(event)), today=self.today()
        )
        return await self.append(
            stream_id, [event], unit.path, day, expected=0, actor=actor, idempotency=idempotency
        )

    async def _close(
        self, record: Record, event: Event, day: date, actor: str, idempotency: Idempotency | None
    ) -> list[Envelope]:
        unit = require_unit(await self.directory.get(record.unit_id), record.unit_id)
        return await self.append(
            f"{record.kind}-{record.record_id}",
            [event],
            unit.path,
            day,
            expected=record.version,
            actor=actor,
            idempotency=idempotency,
        )

    async def hold_activity(
        self,
        record: Record,
        held_on: date,
        participants: int,
        evidence: EvidenceRef | None,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        event = work.hold_activity(
            record,
            held_on=held_on,
            participants=participants,
            evidence=evidence,
            attachments=await self.attachments([evidence]),
            today=self.today(),
        )
        return await self._close(record, event, held_on, actor, idempotency)

    async def cancel_activity(
        self,
        record: Record,
        cancelled_on: date,
        reason: str,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        event = work.cancel_activity(record, cancelled_on=cancelled_on, reason=reason, today=self.today())
        return await self._close(record, event, cancelled_on, actor, idempotency)

    async def complete_project(
        self,
        record: Record,
        completed_on: date,
        value_vnd: int | None,
        evidence: EvidenceRef | None,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        event = work.complete_project(
            record,
            completed_on=completed_on,
            value_vnd=value_vnd,
            evidence=evidence,
            attachments=await self.attachments([evidence]),
            today=self.today(),
        )
        return await self._close(record, event, completed_on, actor, idempotency)

    async def record_outcome(
        self,
        record: Record,
        outcome: AdvisoryOutcome,
        recorded_on: date,
        note: str,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        event = advice.record_outcome(
            record, outcome=outcome, recorded_on=recorded_on, note=note, today=self.today()
        )
        return await self._close(record, event, recorded_on, actor, idempotency)

    async def end_agreement(
        self,
        record: Record,
        ended_on: date,
        reason: str,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        event = advice.end_agreement(record, ended_on=ended_on, reason=reason, today=self.today())
        return await self._close(record, event, ended_on, actor, idempotency)

    async def hold_joint_activity(
        self,
        record: Record,
        joint_activity_id: str,
        held_on: date,
        title: str,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        stream = f"joint-activity-{joint_activity_id}"
        await self.ensure_new(
            stream,
            what=f"joint activity {joint_activity_id!r}",
            field="joint_activity_id",
            value=joint_activity_id,
        )
        unit = require_unit(await self.directory.get(record.unit_id), record.unit_id)
        event = advice.hold_joint_activity(
            record,
            joint_activity_id=joint_activity_id,
            unit_id=record.unit_id,
            held_on=held_on,
            title=title,
            today=self.today(),
        )
        return await self.append(
            stream, [event], unit.path, held_on, expected=0, actor=actor, idempotency=idempotency
        )

    async def mobilise(
        self,
        unit_id: str,
        mobilisation_id: str,
        mobilised_on: date,
        source: str,
        amount_vnd: int,
        in_kind: str,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        stream = f"mobilisation-{mobilisation_id}"
        await self.ensure_new(
            stream, what=f"mobilisation {mobilisation_id!r}", field="mobilisation_id", value=mobilisation_id
        )
        unit = require_unit(await self.directory.get(unit_id), unit_id)
        event = advice.mobilise(
            mobilisation_id=mobilisation_id,
            unit_id=unit_id,
            mobilised_on=mobilised_on,
            source=source,
            amount_vnd=amount_vnd,
            in_kind=in_kind,
            today=self.today(),
        )
        return await self.append(
            stream, [event], unit.path, mobilised_on, expected=0, actor=actor, idempotency=idempotency
        )
