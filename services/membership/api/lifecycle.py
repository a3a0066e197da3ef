"""A member's lifecycle over HTTP: transfers, ageing out, discipline, dues, rating, training, "1+1", the Party."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from services.membership.api.common import Command, command, handlers_of
from services.membership.domain import lifecycle, records
from services.membership.domain.member import Member
from shared.auth import Permission, Principal
from shared.contracts.membership import MONTH_PATTERN, DisciplineLevel, Rating
from shared.events import Envelope, Event
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.idempotency import IdempotencyKey
from shared.ids import UnitId, new_id
from shared.store.event_store import Idempotency

router = APIRouter(tags=["member lifecycle"])


async def member_command(
    request: Request,
    principal: Principal,
    member_id: str,
    body: BaseModel,
    idempotency_key: str | None,
    decide: Callable[[Member], Event],
    *,
    on: date | None = None,
    permission: Permission = Permission.MANAGE_MEMBERS,
    scope: Callable[[Member], str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """Check the caller may act on the member's branch (or ``scope``), decide, append."""
    handlers = handlers_of(request)
    member = await handlers.member(member_id)
    await authorize(request, principal, permission, scope(member) if scope else member.branch_id)

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        return await handlers.member_event(
            member, decide(member), actor=principal.subject, idempotency=idem, on=on
        )

    return await command(request, body, idempotency_key, execute, member_id=member_id, **extra)


def destination(member: Member) -> str:
    """A transfer is accepted or returned by the branch it goes to."""
    return member.transfer.to_branch_id if member.transfer else member.branch_id


class TransferRequest(Command):
    to_branch_id: UnitId
    requested_on: date
    transfer_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")


class ReleaseRequest(Command):
    released_on: date


class AcceptRequest(Command):
    accepted_on: date


class ReturnRequest(Command):
    returned_on: date
    reason: str = Field(min_length=1, max_length=500)


class MaturityRequest(Command):
    matured_on: date


class ExtensionRequest(Command):
    until: date
    reason: str = Field(min_length=1, max_length=500)


class DisciplineRequest(Command):
    level: DisciplineLevel
    decision_ref: str = Field(min_length=1, max_length=100, description="số quyết định kỷ luật")
    decided_on: date


class StrikeOffRequest(Command):
    struck_on: date
    reason: str = Field(min_length=1, max_length=500)


class CardRequest(Command):
    card_number: str = Field(min_length=1, max_length=50)
    issued_on: date


class DuesRequest(Command):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")
    amount_vnd: int = Field(description="2000 (no salary) or 5000 (salaried)")


class DuesExemptionRequest(Command):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")
    reason: str = Field(min_length=1, max_length=500)


class RatingRequest(Command):
    year: int = Field(ge=2000, le=2100)
    rating: Rating
    rated_on: date


class TrainingRequest(Command):
    year: int = Field(ge=2000, le=2100)


class TrainingEvaluationRequest(Command):
    result: Rating


class InactivityReviewRequest(Command):
    reviewed_on: date
    outcome: str = Field(
        min_length=1, max_length=500, description="kept[: reason], struck_off or transferred"
    )


class RecruitRequest(Command):
    into: str = Field(pattern=r"^(doan|association)$", description="doan (Đoàn) or association (Hội)")
    recruited_on: date
    recruit_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")


class PartyReferralRequest(Command):
    referred_on: date
    decision_ref: str = Field(default="", max_length=100)
    referral_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")


class PartyOutcomeRequest(Command):
    admitted: bool
    decided_on: date


Principal_ = CurrentPrincipal
Key = IdempotencyKey


@router.post(
    "/members/{member_id}/transfers", status_code=201, summary="Request a transfer (chuyển sinh hoạt)"
)
async def request_transfer(
    request: Request,
    member_id: str,
    body: TransferRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    handlers = handlers_of(request)
    to_branch = await handlers.directory.get(body.to_branch_id)
    transfer_id = body.transfer_id or new_id("t")
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: lifecycle.request_transfer(
            m,
            transfer_id=transfer_id,
            to_branch=to_branch,
            to_branch_id=body.to_branch_id,
            on=body.requested_on,
            today=handlers.today(),
        ),
        on=body.requested_on,
        transfer_id=transfer_id,
    )


@router.post(
    "/members/{member_id}/transfers/{transfer_id}/release",
    status_code=201,
    summary="The source branch releases",
)
async def release_transfer(
    request: Request,
    member_id: str,
    transfer_id: str,
    body: ReleaseRequest,
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
        lambda m: lifecycle.release_transfer(m, transfer_id=transfer_id, on=body.released_on, today=today),
        on=body.released_on,
    )


@router.post(
    "/members/{member_id}/transfers/{transfer_id}/accept", status_code=201, summary="The destination accepts"
)
async def accept_transfer(
    request: Request,
    member_id: str,
    transfer_id: str,
    body: AcceptRequest,
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
        lambda m: lifecycle.accept_transfer(m, transfer_id=transfer_id, on=body.accepted_on, today=today),
        on=body.accepted_on,
        scope=destination,
    )


@router.post(
    "/members/{member_id}/transfers/{transfer_id}/return", status_code=201, summary="The destination refuses"
)
async def return_transfer(
    request: Request,
    member_id: str,
    transfer_id: str,
    body: ReturnRequest,
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
        lambda m: lifecycle.return_transfer(
            m, transfer_id=transfer_id, on=body.returned_on, reason=body.reason, today=today
        ),
        on=body.returned_on,
        scope=destination,
    )


@router.post("/members/{member_id}/maturity", status_code=201, summary="Age out (trưởng thành đoàn)")
async def mature(
    request: Request,
    member_id: str,
    body: MaturityRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    handlers = handlers_of(request)
    birth = await handlers.birth_date(await handlers.member(member_id))
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: lifecycle.mature(m, on=body.matured_on, birth_date=birth, today=handlers.today()),
        on=body.matured_on,
    )


@router.post(
    "/members/{member_id}/extensions", status_code=201, summary="Keep a member on past 30 (never past 35)"
)
async def extend(
    request: Request,
    member_id: str,
    body: ExtensionRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    handlers = handlers_of(request)
    birth = await handlers.birth_date(await handlers.member(member_id))
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: lifecycle.extend(m, until=body.until, reason=body.reason, birth_date=birth),
    )


@router.post("/members/{member_id}/discipline", status_code=201, summary="A disciplinary decision (kỷ luật)")
async def discipline(
    request: Request,
    member_id: str,
    body: DisciplineRequest,
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
        lambda m: lifecycle.discipline(
            m, level=body.level, decision_ref=body.decision_ref, on=body.decided_on, today=today
        ),
        on=body.decided_on,
    )


@router.post(
    "/members/{member_id}/strike-off", status_code=201, summary="Strike a member off the list (xóa tên)"
)
async def strike_off(
    request: Request,
    member_id: str,
    body: StrikeOffRequest,
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
        lambda m: lifecycle.strike_off(m, on=body.struck_on, reason=body.reason, today=today),
        on=body.struck_on,
    )


@router.post("/members/{member_id}/cards", status_code=201, summary="Issue a member card (thẻ đoàn viên)")
async def issue_card(
    request: Request, member_id: str, body: CardRequest, principal: Principal_, idempotency_key: Key = None
) -> JSONResponse:
    today = handlers_of(request).today()
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: lifecycle.issue_card(m, card_number=body.card_number, on=body.issued_on, today=today),
        on=body.issued_on,
    )


@router.post("/members/{member_id}/dues", status_code=201, summary="A month's dues paid (đoàn phí)")
async def pay_dues(
    request: Request, member_id: str, body: DuesRequest, principal: Principal_, idempotency_key: Key = None
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
    member_id: str,
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
    request: Request, member_id: str, body: RatingRequest, principal: Principal_, idempotency_key: Key = None
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
    member_id: str,
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
    member_id: str,
    year: int,
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
    member_id: str,
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
    request: Request, member_id: str, body: RecruitRequest, principal: Principal_, idempotency_key: Key = None
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
    member_id: str,
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
    member_id: str,
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
