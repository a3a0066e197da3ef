"""A member's lifecycle over HTTP: ageing out and extension, discipline, striking off, the card."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.membership.api.common import Command, handlers_of, member_command
from services.membership.domain import lifecycle
from services.membership.domain.member import Member
from shared.contracts.membership import DisciplineLevel
from shared.contracts.text import Line, Note
from shared.contracts.values import Day
from shared.events import Event
from shared.http.auth import CurrentPrincipal
from shared.http.idempotency import IdempotencyKey
from shared.http.params import PersonIdPath

router = APIRouter(tags=["member lifecycle"])


class MaturityRequest(Command):
    matured_on: Day


class ExtensionRequest(Command):
    until: Day
    reason: Note = Field(min_length=1, max_length=500)


class DisciplineRequest(Command):
    level: DisciplineLevel
    decision_ref: Line = Field(min_length=1, max_length=100, description="số quyết định kỷ luật")
    decided_on: Day


class StrikeOffRequest(Command):
    struck_on: Day
    reason: Note = Field(min_length=1, max_length=500)


class CardRequest(Command):
    card_number: Line = Field(min_length=1, max_length=50)
    issued_on: Day


Principal_ = CurrentPrincipal
Key = IdempotencyKey


@router.post("/members/{member_id}/maturity", status_code=201, summary="Age out (trưởng thành đoàn)")
async def mature(
    request: Request,
    member_id: PersonIdPath,
    body: MaturityRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    handlers = handlers_of(request)

    async def decide(member: Member) -> Event:
        birth = await handlers.birth_date(member)
        return lifecycle.mature(member, on=body.matured_on, birth_date=birth, today=handlers.today())

    return await member_command(
        request, principal, member_id, body, idempotency_key, decide, on=body.matured_on
    )


@router.post(
    "/members/{member_id}/extensions", status_code=201, summary="Keep a member on past 30 (never past 35)"
)
async def extend(
    request: Request,
    member_id: PersonIdPath,
    body: ExtensionRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    handlers = handlers_of(request)

    async def decide(member: Member) -> Event:
        birth = await handlers.birth_date(member)
        return lifecycle.extend(member, until=body.until, reason=body.reason, birth_date=birth)

    return await member_command(request, principal, member_id, body, idempotency_key, decide)


@router.post("/members/{member_id}/discipline", status_code=201, summary="A disciplinary decision (kỷ luật)")
async def discipline(
    request: Request,
    member_id: PersonIdPath,
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
    member_id: PersonIdPath,
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
    request: Request,
    member_id: PersonIdPath,
    body: CardRequest,
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
        lambda m: lifecycle.issue_card(m, card_number=body.card_number, on=body.issued_on, today=today),
        on=body.issued_on,
    )
