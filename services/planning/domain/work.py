"""The unit's work: activities, youth projects, reports upward, reviews, inspections, good models."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.planning.domain.checks import (
    AttachmentInfo,
    check_evidence,
    not_before,
    not_blank,
    not_in_future,
)
from services.planning.domain.records import Record
from shared.contracts.planning import (
    ActivityCancelled,
    ActivityHeld,
    EvidenceRef,
    YouthProjectCompleted,
)
from shared.errors import ConflictError


def hold_activity(
    activity: Record,
    *,
    held_on: date,
    participants: int,
    evidence: EvidenceRef | None,
    attachments: Mapping[str, AttachmentInfo],
    today: date,
) -> ActivityHeld:
    activity.require_open(action="held")
    not_in_future(held_on, today, field="held_on")
    check_evidence(evidence, attachments, activity.unit_id, field="evidence")
    return ActivityHeld(
        activity_id=activity.record_id,
        unit_id=activity.unit_id,
        held_on=held_on,
        participants=participants,
        evidence=evidence,
    )


def cancel_activity(activity: Record, *, cancelled_on: date, reason: str, today: date) -> ActivityCancelled:
    activity.require_open(action="cancelled")
    not_in_future(cancelled_on, today, field="cancelled_on")
    not_blank(reason, field="reason")
    return ActivityCancelled(
        activity_id=activity.record_id, unit_id=activity.unit_id, cancelled_on=cancelled_on, reason=reason
    )


def complete_project(
    project: Record,
    *,
    completed_on: date,
    value_vnd: int | None,
    evidence: EvidenceRef | None,
    attachments: Mapping[str, AttachmentInfo],
    today: date,
) -> YouthProjectCompleted:
    project.require_open(action="completed")
    not_in_future(completed_on, today, field="completed_on")
    not_before(completed_on, project.opened_on, field="completed_on", what="its registration")
    check_evidence(evidence, attachments, project.unit_id, field="evidence")
    return YouthProjectCompleted(
        project_id=project.record_id,
        unit_id=project.unit_id,
        completed_on=completed_on,
        value_vnd=value_vnd,
        evidence=evidence,
    )


def once_per_period(already: bool, *, what: str, field: str, value: object) -> None:
    """A quarterly report, a mid-year or a year-end review: one per unit and period."""
    if already:
        raise ConflictError(
            f"{what} is already recorded",
            rule="already_recorded",
            field=field,
            value=value,
            accepted="a period not yet recorded for this unit",
        )
