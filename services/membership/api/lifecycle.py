"""A member's lifecycle over HTTP: ageing out and extension, discipline, striking off, the card."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from services.membership.api.common import Command
from services.membership.domain import commands as cmds
from shared.contracts.membership import DisciplineLevel
from shared.contracts.text import Line, Note
from shared.contracts.values import Day
from shared.http.commands import Commands
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


@router.post("/members/{member_id}/maturity", status_code=201, summary="Age out (trưởng thành đoàn)")
async def mature(member_id: PersonIdPath, body: MaturityRequest, run: Commands) -> JSONResponse:
    return await run(cmds.MatureMember(member_id=member_id, matured_on=body.matured_on), member_id=member_id)


@router.post(
    "/members/{member_id}/extensions", status_code=201, summary="Keep a member on past 30 (never past 35)"
)
async def extend(member_id: PersonIdPath, body: ExtensionRequest, run: Commands) -> JSONResponse:
    command = cmds.ExtendMembership(member_id=member_id, until=body.until, reason=body.reason)
    return await run(command, member_id=member_id)


@router.post("/members/{member_id}/discipline", status_code=201, summary="A disciplinary decision (kỷ luật)")
async def discipline(member_id: PersonIdPath, body: DisciplineRequest, run: Commands) -> JSONResponse:
    command = cmds.DisciplineMember(
        member_id=member_id, level=body.level, decision_ref=body.decision_ref, decided_on=body.decided_on
    )
    return await run(command, member_id=member_id)


@router.post(
    "/members/{member_id}/strike-off", status_code=201, summary="Strike a member off the list (xóa tên)"
)
async def strike_off(member_id: PersonIdPath, body: StrikeOffRequest, run: Commands) -> JSONResponse:
    command = cmds.StrikeOffMember(member_id=member_id, struck_on=body.struck_on, reason=body.reason)
    return await run(command, member_id=member_id)


@router.post("/members/{member_id}/cards", status_code=201, summary="Issue a member card (thẻ đoàn viên)")
async def issue_card(member_id: PersonIdPath, body: CardRequest, run: Commands) -> JSONResponse:
    command = cmds.IssueCard(member_id=member_id, card_number=body.card_number, issued_on=body.issued_on)
    return await run(command, member_id=member_id)
