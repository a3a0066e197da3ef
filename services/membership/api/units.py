"""The org tree over HTTP: register, rename, move, close and read units; roster reviews; dues sent upward."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from services.membership.api.common import Command
from services.membership.domain import commands as cmds
from shared.auth import Permission
from shared.contracts.org import OrgUnit, UnitLevel, UnitType
from shared.contracts.text import Line, Note
from shared.contracts.values import AmountVnd, Day, Month
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.commands import Commands
from shared.http.params import UnitIdPath
from shared.ids import UnitId

router = APIRouter(tags=["org tree"])


class RegisterUnitRequest(Command):
    unit_id: UnitId = Field(description="the unit's code, e.g. 'bg-pl-dcs-cuc-thue'")
    name: Line = Field(min_length=1, max_length=300)
    level: UnitLevel
    unit_type: UnitType
    parent_id: UnitId
    recognising_unit_id: UnitId | None = Field(
        default=None,
        description="for a grassroots union: the unit above it that recognises it (default: its parent)",
    )
    established_on: Day | None = Field(
        default=None,
        description="ngày thành lập: the day the unit was founded (default: today); records before it are refused",
    )


class RenameUnitRequest(Command):
    name: Line = Field(min_length=1, max_length=300)


class MoveUnitRequest(Command):
    new_parent_id: UnitId
    recognising_unit_id: UnitId | None = Field(
        default=None,
        description="for a grassroots union: who recognises it after the move (default: its parent)",
    )


class CloseUnitRequest(Command):
    reason: Note = Field(min_length=1, max_length=500, description="giải thể, sáp nhập…")
    merged_into: UnitId | None = None
    closed_on: Day | None = Field(
        default=None, description="the day it was dissolved or merged (default: today)"
    )


class UnitDatesRequest(Command):
    established_on: Day = Field(description="ngày thành lập")
    closed_on: Day | None = Field(default=None, description="for a closed unit: the day it closed")
    reason: Note = Field(min_length=1, max_length=500, description="why the dates are corrected")


class RosterReviewRequest(Command):
    reviewed_on: Day


class DuesRemittanceRequest(Command):
    month: Month
    amount_vnd: AmountVnd


class UnitView(BaseModel):
    unit_id: str
    name: str
    level: UnitLevel
    unit_type: UnitType
    parent_id: str | None
    path: str
    status: str
    recognising_unit_id: str | None
    established_on: date
    closed_on: date | None

    @classmethod
    def of(cls, unit: OrgUnit) -> UnitView:
        return cls(
            unit_id=unit.unit_id,
            name=unit.name,
            level=unit.level,
            unit_type=unit.unit_type,
            parent_id=unit.parent_id,
            path=unit.path,
            status=unit.status.value,
            recognising_unit_id=unit.recognising_unit_id,
            established_on=unit.opened_on,
            closed_on=unit.closed_on,
        )


@router.post("/units", status_code=201, summary="Register a unit under its parent")
async def register_unit(body: RegisterUnitRequest, run: Commands) -> JSONResponse:
    return await run(cmds.RegisterUnit(**body.model_dump()), unit_id=body.unit_id)


@router.get("/units/{unit_id}", summary="One unit")
async def get_unit(request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal) -> UnitView:
    return UnitView.of(await authorize(request, principal, Permission.READ, unit_id))


@router.get("/units/{unit_id}/tree", summary="The unit and every unit below it")
async def unit_tree(request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal) -> list[UnitView]:
    await authorize(request, principal, Permission.READ, unit_id)
    return [UnitView.of(u) for u in await request.app.state.runtime.directory.below(unit_id)]


@router.post("/units/{unit_id}/name", status_code=201, summary="Rename a unit (đổi tên)")
async def rename_unit(unit_id: UnitIdPath, body: RenameUnitRequest, run: Commands) -> JSONResponse:
    return await run(cmds.RenameUnit(unit_id=unit_id, name=body.name), unit_id=unit_id)


@router.post(
    "/units/{unit_id}/move", status_code=201, summary="Move a unit, and all below it, under another parent"
)
async def move_unit(unit_id: UnitIdPath, body: MoveUnitRequest, run: Commands) -> JSONResponse:
    return await run(cmds.MoveUnit(unit_id=unit_id, **body.model_dump()), unit_id=unit_id)


@router.post("/units/{unit_id}/closure", status_code=201, summary="Close a unit (giải thể, sáp nhập)")
async def close_unit(unit_id: UnitIdPath, body: CloseUnitRequest, run: Commands) -> JSONResponse:
    return await run(cmds.CloseUnit(unit_id=unit_id, **body.model_dump()), unit_id=unit_id)


@router.post(
    "/units/{unit_id}/dates",
    status_code=201,
    summary="Correct when a unit was founded or closed (đính chính)",
)
async def correct_unit_dates(unit_id: UnitIdPath, body: UnitDatesRequest, run: Commands) -> JSONResponse:
    return await run(cmds.CorrectUnitDates(unit_id=unit_id, **body.model_dump()), unit_id=unit_id)


@router.post("/units/{unit_id}/roster-reviews", status_code=201, summary="A branch reviews its member list")
async def review_roster(unit_id: UnitIdPath, body: RosterReviewRequest, run: Commands) -> JSONResponse:
    return await run(cmds.ReviewRoster(unit_id=unit_id, reviewed_on=body.reviewed_on), unit_id=unit_id)


@router.post("/units/{unit_id}/dues-remittances", status_code=201, summary="Send a month's dues upward")
async def remit_dues(unit_id: UnitIdPath, body: DuesRemittanceRequest, run: Commands) -> JSONResponse:
    return await run(cmds.RemitDues(unit_id=unit_id, **body.model_dump()), unit_id=unit_id)
