"""A member's year on record over HTTP: dues, the rating, the training programme, inactivity, "1+1", the Party."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.membership.api.common import Command, handlers_of, member_command
from services.membership.domain import records
from shared.auth import Permission
from shared.contracts.membership import Rating
from shared.contracts.text import Line, Note
from shared.contracts.values import AmountVnd, Day, Month, Year
from shared.http.auth import CurrentPrincipal
from shared.http.idempotency import IdempotencyKey
from shared.http.params import PersonIdPath
from shared.ids import PERSON_ID_PATTERN, new_id

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


Principal_ = CurrentPrincipal
Key = IdempotencyKey


@router.post("/members/{member_id}/dues", status_code=201, summary="A month's dues paid (đoàn phí)")
async def pay_dues(
    request: Request,
    member_id: PersonIdPath,
    body: DuesRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    today = handlers_of(request).today()
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: records.pay_dues(m, month=body.month, amount_vnd=body.amount_vnd, today=today),
        permission=Permission.RECORD_BRANCH_LIFE,
    )


@router.post("/members/{member_id}/dues-exemptions", status_code=201, summary="A month's dues excused")
async def exempt_dues(
    request: Request,
    member_id: PersonIdPath,
    body: DuesExemptionRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    today = handlers_of(request).today()
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: records.exempt_dues(m, month=body.month, reason=body.reason, today=today),
        permission=Permission.RECORD_BRANCH_LIFE,
    )


@router.post("/members/{member_id}/ratings", status_code=201, summary="The annual rating (xếp loại)")
async def rate(
    request: Request,
    member_id: PersonIdPath,
    body: RatingRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    today = handlers_of(request).today()
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: records.rate(m, year=body.year, rating=body.rating, on=body.rated_on, today=today),
        on=body.rated_on,
    )


@router.post(
    "/members/{member_id}/training", status_code=201, summary="Register for the year's training programme"
)
async def register_training(
    request: Request,
    member_id: PersonIdPath,
    body: TrainingRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: records.register_training(m, year=body.year),
    )


@router.post(
    "/members/{member_id}/training/{year}/evaluation",
    status_code=201,
    summary="Evaluate the training programme",
)
async def evaluate_training(
    request: Request,
    member_id: PersonIdPath,
    year: Annotated[Year, Path(description="the programme's year")],
    body: TrainingEvaluationRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: records.evaluate_training(m, year=year, result=body.result),
    )


@router.post(
    "/members/{member_id}/inactivity-reviews", status_code=201, summary="Review an inactive member's case"
)
async def review_inactivity(
    request: Request,
    member_id: PersonIdPath,
    body: InactivityReviewRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    today = handlers_of(request).today()
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: records.review_inactivity(m, on=body.reviewed_on, outcome=body.outcome, today=today),
        on=body.reviewed_on,
    )


@router.post("/members/{member_id}/recruits", status_code=201, summary='A young person brought in ("1+1")')
async def recruit(
    request: Request,
    member_id: PersonIdPath,
    body: RecruitRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    today = handlers_of(request).today()
    recruit_id = body.recruit_id or new_id("p")
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: records.recruit(
            m, recruit_id=recruit_id, into=body.into, on=body.recruited_on, today=today
        ),
        on=body.recruited_on,
        permission=Permission.RECORD_BRANCH_LIFE,
        recruit_id=recruit_id,
    )


@router.post(
    "/members/{member_id}/party-referrals", status_code=201, summary="Introduce a member to the Party"
)
async def refer_to_party(
    request: Request,
    member_id: PersonIdPath,
    body: PartyReferralRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    today = handlers_of(request).today()
    referral_id = body.referral_id or new_id("r")
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: records.refer_to_party(
            m, referral_id=referral_id, on=body.referred_on, decision_ref=body.decision_ref, today=today
        ),
        on=body.referred_on,
        referral_id=referral_id,
    )


@router.post(
    "/members/{member_id}/party-referrals/{referral_id}/outcome",
    status_code=201,
    summary="The Party's decision",
)
async def decide_party_admission(
    request: Request,
    member_id: PersonIdPath,
    referral_id: str,
    body: PartyOutcomeRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    today = handlers_of(request).today()
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: records.decide_party_admission(
            m, referral_id=referral_id, admitted=body.admitted, on=body.decided_on, today=today
        ),
        on=body.decided_on,
    )
