"""Routes of plans (kế hoạch công tác) and model registration (đăng ký xây dựng mô hình)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from pydantic import Field

from services.planning.api.common import Body
from services.planning.domain import commands as cmds
from shared.contracts.planning import PlanKind, SubmittedTo, Target
from shared.contracts.text import Line, Note
from shared.contracts.values import Day, Year
from shared.http.commands import Commands
from shared.http.params import UnitIdPath

router = APIRouter(tags=["plans"])


class PlanTarget(Body):
    """A measurable target of a plan, tied to a criterion (1, 2 or 3) and optionally an indicator."""

    criterion: int = Field(ge=1, le=3)
    indicator_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]{1,32}$", description="e.g. C2.2")
    description: Line = Field(min_length=1, max_length=1000)
    quantity: float | None = Field(default=None, ge=0, le=1e12, allow_inf_nan=False)
    unit: Line | None = Field(default=None, max_length=50, description="what the quantity counts")

    def target(self) -> Target:
        return Target.model_validate(self.model_dump())


class DraftPlan(Body):
    title: Line = Field(min_length=1, max_length=500)
    targets: list[PlanTarget] = Field(
        default=[], max_length=200, description="measurable targets per criterion"
    )


class SubmitPlan(Body):
    submitted_to: SubmittedTo
    submitted_on: Day


class ApprovePlan(Body):
    approved_on: Day


class ReturnPlan(Body):
    returned_on: Day
    reasons: list[Annotated[Note, Field(min_length=1, max_length=2000)]] = Field(min_length=1, max_length=50)


class PartyOpinion(Body):
    recorded_on: Day
    opinion: Note = Field(min_length=1, max_length=5000)


class RegisterModel(Body):
    year: Year
    registered_on: Day
    deadline: Day | None = Field(default=None, description="the recognising unit's deadline, e.g. 10 Nov")


@router.put(
    "/units/{unit_id}/plans/{year}/{kind}",
    status_code=201,
    summary="Draft the unit's plan for a year, or revise it while drafted or after it was returned",
)
async def draft_plan(
    unit_id: UnitIdPath, year: Annotated[Year, Path()], kind: PlanKind, body: DraftPlan, run: Commands
) -> JSONResponse:
    targets = tuple(t.target() for t in body.targets)
    return await run(body.command(cmds.DraftPlan, unit_id=unit_id, year=year, kind=kind, targets=targets))


@router.post(
    "/plans/{plan_id}/submissions",
    status_code=201,
    summary="Submit the plan (trình) to the upper level or the Party committee",
)
async def submit_plan(plan_id: str, body: SubmitPlan, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.SubmitPlan, plan_id=plan_id), plan_id=plan_id)


@router.post(
    "/plans/{plan_id}/approval", status_code=201, summary="The upper level approves the plan (phê duyệt)"
)
async def approve_plan(plan_id: str, body: ApprovePlan, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.ApprovePlan, plan_id=plan_id), plan_id=plan_id)


@router.post(
    "/plans/{plan_id}/return",
    status_code=201,
    summary="The upper level returns the plan with reasons (trả lại)",
)
async def return_plan(plan_id: str, body: ReturnPlan, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.ReturnPlan, plan_id=plan_id), plan_id=plan_id)


@router.post(
    "/plans/{plan_id}/party-opinion",
    status_code=201,
    summary="Record the Party committee's opinion (ý kiến cấp ủy)",
)
async def party_opinion(plan_id: str, body: PartyOpinion, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.RecordPartyOpinion, plan_id=plan_id), plan_id=plan_id)


@router.post(
    "/units/{unit_id}/model-registrations",
    status_code=201,
    summary="Register to build the '3 chủ động' model with the recognising unit",
)
async def register_model(unit_id: UnitIdPath, body: RegisterModel, run: Commands) -> JSONResponse:
    return await run(body.command(cmds.RegisterModel, unit_id=unit_id), unit_id=unit_id, year=body.year)
