"""Routes of the unit's work: activities, youth projects, reports upward, reviews, inspections, good models."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from services.planning.api.common import Body, RecordId
from services.planning.domain import commands as cmds
from shared.contracts import planning as p
from shared.contracts.text import Line, Note
from shared.contracts.values import AmountVnd, Count, Day, Quarter, Year
from shared.http.commands import Commands
from shared.http.params import UnitIdPath

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
async def schedule_activity(unit_id: UnitIdPath, body: ScheduleActivity, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.ScheduleActivity, unit_id=unit_id))


@router.post("/activities/{activity_id}/held", status_code=201, summary="The activity took place")
async def hold_activity(activity_id: str, body: HoldActivity, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.HoldActivity, activity_id=activity_id), activity_id=activity_id)


@router.post(
    "/activities/{activity_id}/cancellation", status_code=201, summary="Cancel the activity, with the reason"
)
async def cancel_activity(activity_id: str, body: CancelActivity, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.CancelActivity, activity_id=activity_id), activity_id=activity_id)


@router.post(
    "/units/{unit_id}/youth-projects",
    status_code=201,
    summary="Register a youth project (công trình, phần việc thanh niên)",
)
async def register_project(unit_id: UnitIdPath, body: RegisterProject, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.RegisterProject, unit_id=unit_id))


@router.post(
    "/youth-projects/{project_id}/completion", status_code=201, summary="The youth project is completed"
)
async def complete_project(project_id: str, body: CompleteProject, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.CompleteProject, project_id=project_id), project_id=project_id)


@router.post(
    "/units/{unit_id}/periodic-reports", status_code=201, summary="Submit the quarterly report upward"
)
async def submit_report(unit_id: UnitIdPath, body: SubmitReport, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.SubmitReport, unit_id=unit_id), period=body.period)


@router.post(
    "/units/{unit_id}/reviews",
    status_code=201,
    summary="Record a mid-year or year-end review (sơ kết, tổng kết)",
)
async def hold_review(unit_id: UnitIdPath, body: HoldReview, run: Commands) -> JSONResponse:
    command = body.command(cmds.HoldReview, unit_id=unit_id)
    return await run(command, year=body.year, kind=body.kind.value)


@router.post(
    "/units/{unit_id}/inspections",
    status_code=201,
    summary="Record an inspection or a self-criticism session (kiểm tra, tự phê bình và phê bình)",
)
async def hold_inspection(unit_id: UnitIdPath, body: HoldInspection, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.HoldInspection, unit_id=unit_id))


@router.post(
    "/units/{unit_id}/good-models",
    status_code=201,
    summary="Recognise a good model or example (mô hình hay, gương điển hình)",
)
async def recognise_model(unit_id: UnitIdPath, body: RecogniseModel, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.RecogniseGoodModel, unit_id=unit_id))
