"""A member's year on record over HTTP: dues, the rating, the training programme, inactivity, "1+1", the Party."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from pydantic import Field

from services.membership.api.common import Command
from services.membership.domain import commands as cmds
from shared.contracts.membership import Rating
from shared.contracts.text import Line, Note
from shared.contracts.values import AmountVnd, Day, Month, Year
from shared.http.commands import Commands
from shared.http.params import PersonIdPath
from shared.ids import PERSON_ID_PATTERN

router = APIRouter(tags=["member records"])


class DuesRequest(Command):
    month: Month
    amount_vnd: AmountVnd = Field(description="2000 (no salary) or 5000 (salaried)")


class DuesExemptionRequest(Command):
    month: Month
    reason: Note = Field(min_length=1, max_length=500)


class RatingRequest(Command):
    year: Year
    rating: Rating
    rated_on: Day


class TrainingRequest(Command):
    year: Year


class TrainingEvaluationRequest(Command):
    result: Rating


class InactivityReviewRequest(Command):
    reviewed_on: Day
    outcome: Line = Field(
        min_length=1, max_length=500, description="kept[: reason], struck_off or transferred"
    )


class RecruitRequest(Command):
    into: str = Field(pattern=r"^(doan|association)$", description="doan (Đoàn) or association (Hội)")
    recruited_on: Day
    recruit_id: str | None = Field(default=None, pattern=PERSON_ID_PATTERN)


class PartyReferralRequest(Command):
    referred_on: Day
    decision_ref: Line = Field(default="", max_length=100)
    referral_id: str | None = Field(default=None, pattern=PERSON_ID_PATTERN)


class PartyOutcomeRequest(Command):
    admitted: bool
    decided_on: Day


@router.post("/members/{member_id}/dues", status_code=201, summary="A month's dues paid (đoàn phí)")
async def pay_dues(member_id: PersonIdPath, body: DuesRequest, run: Commands) -> JSONResponse:
    return await run(cmds.PayDues(member_id=member_id, **body.model_dump()), member_id=member_id)


@router.post("/members/{member_id}/dues-exemptions", status_code=201, summary="A month's dues excused")
async def exempt_dues(member_id: PersonIdPath, body: DuesExemptionRequest, run: Commands) -> JSONResponse:
    return await run(cmds.ExemptDues(member_id=member_id, **body.model_dump()), member_id=member_id)


@router.post("/members/{member_id}/ratings", status_code=201, summary="The annual rating (xếp loại)")
async def rate(member_id: PersonIdPath, body: RatingRequest, run: Commands) -> JSONResponse:
    return await run(cmds.RateMember(member_id=member_id, **body.model_dump()), member_id=member_id)


@router.post(
    "/members/{member_id}/training", status_code=201, summary="Register for the year's training programme"
)
async def register_training(member_id: PersonIdPath, body: TrainingRequest, run: Commands) -> JSONResponse:
    return await run(cmds.RegisterTraining(member_id=member_id, year=body.year), member_id=member_id)


@router.post(
    "/members/{member_id}/training/{year}/evaluation",
    status_code=201,
    summary="Evaluate the training programme",
)
async def evaluate_training(
    member_id: PersonIdPath,
    year: Annotated[Year, Path(description="the programme's year")],
    body: TrainingEvaluationRequest,
    run: Commands,
) -> JSONResponse:
    command = cmds.EvaluateTraining(member_id=member_id, year=year, result=body.result)
    return await run(command, member_id=member_id)


@router.post(
    "/members/{member_id}/inactivity-reviews", status_code=201, summary="Review an inactive member's case"
)
async def review_inactivity(
    member_id: PersonIdPath, body: InactivityReviewRequest, run: Commands
) -> JSONResponse:
    return await run(cmds.ReviewInactivity(member_id=member_id, **body.model_dump()), member_id=member_id)


@router.post("/members/{member_id}/recruits", status_code=201, summary='A young person brought in ("1+1")')
async def recruit(member_id: PersonIdPath, body: RecruitRequest, run: Commands) -> JSONResponse:
    return await run(cmds.RecordRecruit(member_id=member_id, **body.model_dump()), member_id=member_id)


@router.post(
    "/members/{member_id}/party-referrals", status_code=201, summary="Introduce a member to the Party"
)
async def refer_to_party(member_id: PersonIdPath, body: PartyReferralRequest, run: Commands) -> JSONResponse:
    return await run(cmds.ReferToParty(member_id=member_id, **body.model_dump()), member_id=member_id)


@router.post(
    "/members/{member_id}/party-referrals/{referral_id}/outcome",
    status_code=201,
    summary="The Party's decision",
)
async def decide_party_admission(
    member_id: PersonIdPath, referral_id: str, body: PartyOutcomeRequest, run: Commands
) -> JSONResponse:
    command = cmds.DecidePartyAdmission(member_id=member_id, referral_id=referral_id, **body.model_dump())
    return await run(command, member_id=member_id)
