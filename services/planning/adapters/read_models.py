"""Planning's read models, kept inline: written in the same transaction as each append."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import local_date
from shared.contracts import planning as p
from shared.events import Envelope, Event
from shared.store.columns import event_id, instant, unit_id, unit_path
from shared.store.upsert import upsert

metadata = MetaData()


def under(column: Any, path: str) -> ColumnElement[bool]:
    """Rows of the unit at ``path`` and of every unit below it."""
    result: ColumnElement[bool] = (column == path) | column.startswith(path + ".", autoescape=True)
    return result


plans = Table(
    "plans",
    metadata,
    Column("plan_id", String(200), primary_key=True),
    unit_id(index=True),
    unit_path(),
    Column("year", Integer, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("title", String(500), nullable=False),
    Column("status", String(20), nullable=False),
    Column("targets", Text, nullable=False),
    Column("submitted_on", Date, nullable=True),
    Column("approved_on", Date, nullable=True),
    unit_id("approved_by_unit_id", nullable=True),
    Column("returns", Text, nullable=False),
    Column("party_submitted_on", Date, nullable=True),
    Column("party_opinion_on", Date, nullable=True),
    Column("party_opinion", Text, nullable=True),
    instant("updated_at"),
)

model_registrations = Table(
    "model_registrations",
    metadata,
    unit_id(primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("registered_on", Date, nullable=False),
    unit_id("recognising_unit_id"),
    Column("deadline", Date, nullable=True),
)

meetings = Table(
    "branch_meetings",
    metadata,
    Column("meeting_id", String(100), primary_key=True),
    unit_id("branch_id", index=True),
    unit_path(index=True),
    Column("held_on", Date, nullable=False),
    Column("month", String(7), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("present_count", Integer, nullable=False),
    Column("expected_count", Integer, nullable=False),
    Column("joint_branch_ids", Text, nullable=False),
    Column("has_minutes", Boolean, nullable=False),
    event_id(),
)

activities = Table(
    "activities",
    metadata,
    Column("record_id", String(100), primary_key=True),
    Column("record_kind", String(20), primary_key=True),  # activity or project
    unit_id(index=True),
    unit_path(index=True),
    Column("title", String(500), nullable=False),
    Column("subkind", String(30), nullable=True),  # criterion of an activity, kind of a project
    Column("planned_on", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("reason", Text, nullable=True),
    Column("participants", Integer, nullable=True),
    Column("value_vnd", BigInteger, nullable=True),
)

attachments = Table(
    "attachments",
    metadata,
    Column("attachment_id", String(100), primary_key=True),
    unit_id(index=True),
    unit_path(),
    Column("file_name", String(255), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    event_id("subject_event_id", nullable=True),
    event_id(),
    instant("recorded_at"),
)

timeline = Table(
    "planning_timeline",
    metadata,
    event_id(primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("type", String(100), nullable=False, index=True),
    unit_path(index=True),
    Column("on_date", Date, nullable=False, index=True),
    Column("summary", Text, nullable=False),
)

_DATE_FIELDS = (
    "held_on",
    "submitted_on",
    "returned_on",
    "approved_on",
    "recorded_on",
    "registered_on",
    "assigned_on",
    "scheduled_on",
    "cancelled_on",
    "completed_on",
    "briefed_on",
    "signed_on",
    "ended_on",
    "mobilised_on",
    "recognised_on",
)


def on_date(event: Envelope) -> Any:
    """The date the user gave for what happened; the recording date when there is none."""
    for name in _DATE_FIELDS:
        value = getattr(event.payload, name, None)
        if value is not None:
            return value
    return local_date(event.occurred_at)


def _dump(payload: Event) -> str:
    return json.dumps(payload.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


class PlanningReadModels:
    """Plans, meetings, activities and projects, attachments, and a timeline of every event."""

    async def __call__(self, conn: AsyncConnection, envelopes: Sequence[Envelope]) -> None:
        for event in envelopes:
            await self.apply(conn, event)

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        payload = event.payload
        await conn.execute(
            timeline.insert().values(
                event_id=str(event.event_id),
                position=event.position,
                type=event.type,
                unit_path=event.unit_path,
                on_date=on_date(event),
                summary=_dump(payload),
            )
        )
        if isinstance(payload, p.PlanDrafted | p.PlanSubmitted | p.PlanReturned | p.PlanApproved):
            await self._plan(conn, event)
        elif isinstance(payload, p.PartyCommitteeOpinionRecorded):
            await self._set_plan(
                conn,
                payload.plan_id,
                event,
                party_opinion_on=payload.recorded_on,
                party_opinion=payload.opinion,
            )
        elif isinstance(payload, p.ModelRegistered):
            await conn.execute(
                model_registrations.insert().values(
                    unit_id=payload.unit_id,
                    year=payload.year,
                    registered_on=payload.registered_on,
                    recognising_unit_id=payload.recognising_unit_id,
                    deadline=payload.deadline,
                )
            )
        elif isinstance(payload, p.BranchMeetingHeld):
            await conn.execute(
                meetings.insert().values(
                    meeting_id=payload.meeting_id,
                    branch_id=payload.branch_id,
                    unit_path=event.unit_path,
                    held_on=payload.held_on,
                    month=payload.held_on.strftime("%Y-%m"),
                    kind=payload.kind.value,
                    present_count=payload.present_count,
                    expected_count=payload.expected_count,
                    joint_branch_ids=json.dumps(list(payload.joint_branch_ids)),
                    has_minutes=payload.minutes is not None,
                    event_id=str(event.event_id),
                )
            )
        elif isinstance(payload, p.EvidenceAttached):
            await conn.execute(
                attachments.insert().values(
                    attachment_id=payload.attachment_id,
                    unit_id=payload.unit_id,
                    unit_path=event.unit_path,
                    file_name=payload.file_name,
                    media_type=payload.media_type,
                    size_bytes=payload.size_bytes,
                    sha256=payload.sha256,
                    subject_event_id=payload.subject_event_id,
                    event_id=str(event.event_id),
                    recorded_at=event.recorded_at,
                )
            )
        else:
            await self._work(conn, event)

    async def _work(self, conn: AsyncConnection, event: Envelope) -> None:
        payload = event.payload
        base = {"unit_id": getattr(payload, "unit_id", ""), "unit_path": event.unit_path}
        if isinstance(payload, p.ActivityScheduled):
            row = {
                **base,
                "record_id": payload.activity_id,
                "record_kind": "activity",
                "title": payload.title,
                "subkind": None if payload.criterion is None else str(payload.criterion),
                "planned_on": payload.scheduled_on,
                "status": "scheduled",
            }
            await conn.execute(activities.insert().values(**row))
        elif isinstance(payload, p.YouthProjectRegistered):
            row = {
                **base,
                "record_id": payload.project_id,
                "record_kind": "project",
                "title": payload.title,
                "subkind": payload.kind.value,
                "planned_on": payload.registered_on,
                "status": "registered",
            }
            await conn.execute(activities.insert().values(**row))
        elif isinstance(payload, p.ActivityHeld):
            await self._close(
                conn,
                payload.activity_id,
                "activity",
                status="held",
                closed_on=payload.held_on,
                participants=payload.participants,
            )
        elif isinstance(payload, p.ActivityCancelled):
            await self._close(
                conn,
                payload.activity_id,
                "activity",
                status="cancelled",
                closed_on=payload.cancelled_on,
                reason=payload.reason,
            )
        elif isinstance(payload, p.YouthProjectCompleted):
            await self._close(
                conn,
                payload.project_id,
                "project",
                status="completed",
                closed_on=payload.completed_on,
                value_vnd=payload.value_vnd,
            )

    @staticmethod
    async def _close(conn: AsyncConnection, record_id: str, kind: str, **values: Any) -> None:
        await conn.execute(
            update(activities)
            .where(activities.c.record_id == record_id, activities.c.record_kind == kind)
            .values(**values)
        )

    async def _plan(self, conn: AsyncConnection, event: Envelope) -> None:
        payload = event.payload
        if isinstance(payload, p.PlanDrafted):
            row = {
                "plan_id": payload.plan_id,
                "unit_id": payload.unit_id,
                "unit_path": event.unit_path,
                "year": payload.year,
                "kind": payload.kind.value,
                "title": payload.title,
                "status": "drafted",
                "targets": json.dumps(
                    [t.model_dump(mode="json") for t in payload.targets], ensure_ascii=False
                ),
                "submitted_on": None,
                "returns": "[]",
                "updated_at": event.recorded_at,
            }
            await upsert(
                conn,
                plans,
                row,
                keys=["plan_id"],
                replace=["title", "status", "targets", "submitted_on", "updated_at"],
            )
        elif isinstance(payload, p.PlanSubmitted) and payload.submitted_to is p.SubmittedTo.UPPER_LEVEL:
            await self._set_plan(
                conn, payload.plan_id, event, status="submitted", submitted_on=payload.submitted_on
            )
        elif isinstance(payload, p.PlanSubmitted):
            await self._set_plan(
                conn,
                payload.plan_id,
                event,
                party_submitted_on=payload.submitted_on,
                party_opinion_on=None,
                party_opinion=None,
            )
        elif isinstance(payload, p.PlanReturned):
            await self._set_plan(conn, payload.plan_id, event, status="returned")
            await self._append_return(conn, payload)
        elif isinstance(payload, p.PlanApproved):
            await self._set_plan(
                conn,
                payload.plan_id,
                event,
                status="approved",
                approved_on=payload.approved_on,
                approved_by_unit_id=payload.approved_by_unit_id,
            )

    @staticmethod
    async def _append_return(conn: AsyncConnection, payload: p.PlanReturned) -> None:
        current = (await conn.execute(plans.select().where(plans.c.plan_id == payload.plan_id))).one()
        returns = [
            *json.loads(current.returns),
            {"on": payload.returned_on.isoformat(), "reasons": list(payload.reasons)},
        ]
        await conn.execute(
            update(plans)
            .where(plans.c.plan_id == payload.plan_id)
            .values(returns=json.dumps(returns, ensure_ascii=False))
        )

    @staticmethod
    async def _set_plan(conn: AsyncConnection, plan_id: str, event: Envelope, **values: Any) -> None:
        await conn.execute(
            update(plans).where(plans.c.plan_id == plan_id).values(updated_at=event.recorded_at, **values)
        )
