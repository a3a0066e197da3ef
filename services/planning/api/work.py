"""Routes of the unit's work: activities, youth projects, reports upward, reviews, inspections, good models."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.planning.api.branch_life import RecordId
from services.planning.api.common import Body, closing, handlers, record_fact
from shared.contracts import planning as p
from shared.contracts.text import Line, Note
from shared.contracts.values import AmountVnd, Count, Day, Quarter, Year
from shared.http.auth import CurrentPrincipal
from shared.http.idempotency import IdempotencyKey
from shared.http.params import UnitIdPath
from shared.ids import new_id

router = APIRouter(tags=["work"])

Title = Field(min_length=1, max_length=500)


class ScheduleActivity(Body):
    activity_id: str | None = RecordId
    title: Line = Title
    scheduled_on: Day
    criterion: int | None = Field(
        default=None, ge=1, le=3, description="the '3 chủ động' criterion it serves"
    )


class HoldActivity(Body):
    held_on: Day
    participants: Count
    evidence: p.EvidenceRef | None = None


class CancelActivity(Body):
    cancelled_on: Day
    reason: Note = Field(min_length=1, max_length=2000)


class RegisterProject(Body):
    project_id: str | None = RecordId
    title: Line = Title
    kind: p.ProjectKind
    registered_on: Day
    year: Year


class CompleteProject(Body):
    completed_on: Day
    value_vnd: AmountVnd | None = None
    evidence: p.EvidenceRef | None = None


class SubmitReport(Body):
    period: Quarter
    submitted_on: Day
    evidence: p.EvidenceRef | None = None


class HoldReview(Body):
    year: Year
    kind: p.ReviewKind
    held_on: Day
    evidence: p.EvidenceRef | None = None


class HoldInspection(Body):
    kind: p.InspectionKind
    held_on: Day
    findings: Note = Field(default="", max_length=10000)


class RecogniseModel(Body):
    model_id: str | None = RecordId
    title: Line = Title
    recognised_on: Day


@router.post("/units/{unit_id}/activities", status_code=201, summary="Schedule an activity")
async def schedule_activity(
    request: Request,
    unit_id: UnitIdPath,
    body: ScheduleActivity,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    activity_id = body.activity_id or new_id("act")
    event = p.ActivityScheduled(
        activity_id=activity_id,
        unit_id=unit_id,
        title=body.title,
        scheduled_on=body.scheduled_on,
        criterion=body.criterion,
    )
    return await record_fact(
        request,
        principal,
        unit_id,
        body,
        idempotency_key,
        stream_id=f"activity-{activity_id}",
        event=event,
        day=body.scheduled_on,
        what=f"activity {activity_id!r}",
        field="activity_id",
        value=activity_id,
        activity_id=activity_id,
    )


@router.post("/activities/{activity_id}/held", status_code=201, summary="The activity took place")
async def hold_activity(
    request: Request,
    activity_id: str,
    body: HoldActivity,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await closing(
        request,
        principal,
        "activity",
        activity_id,
        body,
        idempotency_key,
        lambda record, idem: handlers(request).hold_activity(
            record, body.held_on, body.participants, body.evidence, actor=principal.subject, idempotency=idem
        ),
    )


@router.post(
    "/activities/{activity_id}/cancellation", status_code=201, summary="Cancel the activity, with the reason"
)
async def cancel_activity(
    request: Request,
    activity_id: str,
    body: CancelActivity,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await closing(
        request,
        principal,
        "activity",
        activity_id,
        body,
        idempotency_key,
        lambda record, idem: handlers(request).cancel_activity(
            record, body.cancelled_on, body.reason, actor=principal.subject, idempotency=idem
        ),
    )


@router.post(
    "/units/{unit_id}/youth-projects",
    status_code=201,
    summary="Register a youth project (công trình, phần việc thanh niên)",
)
async def register_project(
    request: Request,
    unit_id: UnitIdPath,
    body: RegisterProject,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    project_id = body.project_id or new_id("prj")
    event = p.YouthProjectRegistered(
        project_id=project_id,
        unit_id=unit_id,
        title=body.title,
        kind=body.kind,
        registered_on=body.registered_on,
        year=body.year,
    )
    return await record_fact(
        request,
        principal,
        unit_id,
        body,
        idempotency_key,
        stream_id=f"project-{project_id}",
        event=event,
        day=body.registered_on,
        what=f"project {project_id!r}",
        field="project_id",
        value=project_id,
        project_id=project_id,
    )


@router.post(
    "/youth-projects/{project_id}/completion", status_code=201, summary="The youth project is completed"
)
async def complete_project(
    request: Request,
    project_id: str,
    body: CompleteProject,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await closing(
        request,
        principal,
        "project",
        project_id,
        body,
        idempotency_key,
        lambda record, idem: handlers(request).complete_project(
            record,
            body.completed_on,
            body.value_vnd,
            body.evidence,
            actor=principal.subject,
            idempotency=idem,
        ),
    )


@router.post(
    "/units/{unit_id}/periodic-reports", status_code=201, summary="Submit the quarterly report upward"
)
async def submit_report(
    request: Request,
    unit_id: UnitIdPath,
    body: SubmitReport,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    event = p.PeriodicReportSubmitted(
        unit_id=unit_id, period=body.period, submitted_on=body.submitted_on, evidence=body.evidence
    )
    return await record_fact(
        request,
        principal,
        unit_id,
        body,
        idempotency_key,
        stream_id=f"report-{unit_id}-{body.period}",
        event=event,
        day=body.submitted_on,
        what=f"the report of {unit_id!r} for {body.period}",
        field="period",
        value=body.period,
        period=body.period,
    )


@router.post(
    "/units/{unit_id}/reviews",
    status_code=201,
    summary="Record a mid-year or year-end review (sơ kết, tổng kết)",
)
async def hold_review(
    request: Request,
    unit_id: UnitIdPath,
    body: HoldReview,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    event = p.ReviewHeld(
        unit_id=unit_id, year=body.year, kind=body.kind, held_on=body.held_on, evidence=body.evidence
    )
    return await record_fact(
        request,
        principal,
        unit_id,
        body,
        idempotency_key,
        stream_id=f"review-{unit_id}-{body.year}-{body.kind.value}",
        event=event,
        day=body.held_on,
        what=f"the {body.kind.value} review of {unit_id!r} for {body.year}",
        field="kind",
        value=body.kind.value,
        year=body.year,
        kind=body.kind.value,
    )


@router.post(
    "/units/{unit_id}/inspections",
    status_code=201,
    summary="Record an inspection or a self-criticism session (kiểm tra, tự phê bình và phê bình)",
)
async def hold_inspection(
    request: Request,
    unit_id: UnitIdPath,
    body: HoldInspection,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    inspection_id = new_id("ins")
    event = p.InspectionHeld(unit_id=unit_id, kind=body.kind, held_on=body.held_on, findings=body.findings)
    return await record_fact(
        request,
        principal,
        unit_id,
        body,
        idempotency_key,
        stream_id=f"inspection-{inspection_id}",
        event=event,
        day=body.held_on,
        what=f"inspection {inspection_id!r}",
        field="inspection_id",
        value=inspection_id,
        inspection_id=inspection_id,
    )


@router.post(
    "/units/{unit_id}/good-models",
    status_code=201,
    summary="Recognise a good model or example (mô hình hay, gương điển hình)",
)
async def recognise_model(
    request: Request,
    unit_id: UnitIdPath,
    body: RecogniseModel,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    model_id = body.model_id or new_id("gm")
    event = p.GoodModelRecognised(
        model_id=model_id, unit_id=unit_id, title=body.title, recognised_on=body.recognised_on
    )
    return await record_fact(
        request,
        principal,
        unit_id,
        body,
        idempotency_key,
        stream_id=f"good-model-{model_id}",
        event=event,
        day=body.recognised_on,
        what=f"good model {model_id!r}",
        field="model_id",
        value=model_id,
        model_id=model_id,
    )
