"""The unit's work: activities, youth projects, reports upward, reviews, inspections, good models."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.planning.domain import commands as cmds
from services.planning.domain.checks import (
    AttachmentInfo,
    check_evidence,
    not_before,
    not_blank,
    not_in_future,
)
from services.planning.domain.facts import Fact, new_record
from services.planning.domain.records import Record
from services.planning.domain.streams import (
    good_model_stream,
    inspection_stream,
    record_stream,
    report_stream,
    review_stream,
)
from shared.contracts.planning import (
    ActivityCancelled,
    ActivityHeld,
    ActivityScheduled,
    GoodModelRecognised,
    InspectionHeld,
    PeriodicReportSubmitted,
    ReviewHeld,
    YouthProjectCompleted,
    YouthProjectRegistered,
)
from shared.orgtree.guard import Dated


def schedule_activity(cmd: cmds.ScheduleActivity, *, activity_id: str) -> Fact:
    event = ActivityScheduled(
        activity_id=activity_id,
        unit_id=cmd.unit_id,
        title=cmd.title,
        scheduled_on=cmd.scheduled_on,
        criterion=cmd.criterion,
    )
    return new_record(
        record_stream("activity", activity_id),
        event,
        Dated.on("scheduled_on", cmd.scheduled_on),
        what="activity",
        field="activity_id",
    )


def hold_activity(
    activity: Record, cmd: cmds.HoldActivity, *, attachments: Mapping[str, AttachmentInfo], today: date
) -> ActivityHeld:
    activity.require_open(action="held")
    not_in_future(cmd.held_on, today, field="held_on")
    check_evidence(cmd.evidence, attachments, activity.unit_id, field="evidence")
    return ActivityHeld(
        activity_id=activity.record_id,
        unit_id=activity.unit_id,
        held_on=cmd.held_on,
        participants=cmd.participants,
        evidence=cmd.evidence,
    )


def cancel_activity(activity: Record, cmd: cmds.CancelActivity, *, today: date) -> ActivityCancelled:
    activity.require_open(action="cancelled")
    not_in_future(cmd.cancelled_on, today, field="cancelled_on")
    not_blank(cmd.reason, field="reason")
    return ActivityCancelled(
        activity_id=activity.record_id,
        unit_id=activity.unit_id,
        cancelled_on=cmd.cancelled_on,
        reason=cmd.reason,
    )


def register_project(cmd: cmds.RegisterProject, *, project_id: str) -> Fact:
    event = YouthProjectRegistered(
        project_id=project_id,
        unit_id=cmd.unit_id,
        title=cmd.title,
        kind=cmd.kind,
        registered_on=cmd.registered_on,
        year=cmd.year,
    )
    return new_record(
        record_stream("project", project_id),
        event,
        Dated.on("registered_on", cmd.registered_on),
        what="project",
        field="project_id",
    )


def complete_project(
    project: Record, cmd: cmds.CompleteProject, *, attachments: Mapping[str, AttachmentInfo], today: date
) -> YouthProjectCompleted:
    project.require_open(action="completed")
    not_in_future(cmd.completed_on, today, field="completed_on")
    not_before(cmd.completed_on, project.opened_on, field="completed_on", what="its registration")
    check_evidence(cmd.evidence, attachments, project.unit_id, field="evidence")
    return YouthProjectCompleted(
        project_id=project.record_id,
        unit_id=project.unit_id,
        completed_on=cmd.completed_on,
        value_vnd=cmd.value_vnd,
        evidence=cmd.evidence,
    )


def submit_report(cmd: cmds.SubmitReport) -> Fact:
    """The quarterly report upward: one per unit and quarter."""
    event = PeriodicReportSubmitted(
        unit_id=cmd.unit_id, period=cmd.period, submitted_on=cmd.submitted_on, evidence=cmd.evidence
    )
    what = f"the report of {cmd.unit_id!r} for {cmd.period}"
    return Fact(
        report_stream(cmd.unit_id, cmd.period),
        event,
        Dated.on("submitted_on", cmd.submitted_on),
        what,
        "period",
        cmd.period,
    )


def hold_review(cmd: cmds.HoldReview) -> Fact:
    """A mid-year or a year-end review: one of each per unit and year."""
    event = ReviewHeld(
        unit_id=cmd.unit_id, year=cmd.year, kind=cmd.kind, held_on=cmd.held_on, evidence=cmd.evidence
    )
    what = f"the {cmd.kind.value} review of {cmd.unit_id!r} for {cmd.year}"
    stream = review_stream(cmd.unit_id, cmd.year, cmd.kind)
    return Fact(stream, event, Dated.on("held_on", cmd.held_on), what, "kind", cmd.kind.value)


def hold_inspection(cmd: cmds.HoldInspection, *, inspection_id: str) -> Fact:
    event = InspectionHeld(unit_id=cmd.unit_id, kind=cmd.kind, held_on=cmd.held_on, findings=cmd.findings)
    what = f"inspection {inspection_id!r}"
    return Fact(
        inspection_stream(inspection_id),
        event,
        Dated.on("held_on", cmd.held_on),
        what,
        "inspection_id",
        inspection_id,
    )


def recognise_model(cmd: cmds.RecogniseGoodModel, *, model_id: str) -> Fact:
    event = GoodModelRecognised(
        model_id=model_id, unit_id=cmd.unit_id, title=cmd.title, recognised_on=cmd.recognised_on
    )
    return new_record(
        good_model_stream(model_id),
        event,
        Dated.on("recognised_on", cmd.recognised_on),
        what="good model",
        field="model_id",
    )
