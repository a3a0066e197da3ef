"""The org tree over HTTP: register, rename, move, close and read units; roster reviews; dues sent upward."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from services.membership.api.common import Command, command, handlers_of
from services.membership.domain import care
from services.membership.domain import units as unit_rules
from shared.auth import Permission
from shared.contracts.org import OrgUnit, UnitLevel, UnitType
from shared.contracts.text import Line, Note
from shared.contracts.values import AmountVnd, Day, Month
from shared.events import Envelope
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.idempotency import IdempotencyKey
from shared.http.params import UnitIdPath
from shared.ids import UnitId
from shared.store.event_store import Idempotency

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
        )


@router.post("/units", status_code=201, summary="Register a unit under its parent")
async def register_unit(
    request: Request,
    body: RegisterUnitRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await authorize(request, principal, Permission.MANAGE_UNITS, body.parent_id, field="parent_id")
    cmd = unit_rules.RegisterUnit(**body.model_dump())
    return await command(
        request,
        body,
        idempotency_key,
        lambda idem: handlers_of(request).register_unit(cmd, actor=principal.subject, idempotency=idem),
        unit_id=cmd.unit_id,
    )


@router.get("/units/{unit_id}", summary="One unit")
async def get_unit(request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal) -> UnitView:
    return UnitView.of(await authorize(request, principal, Permission.READ, unit_id))


@router.get("/units/{unit_id}/tree", summary="The unit and every unit below it")
async def unit_tree(request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal) -> list[UnitView]:
    await authorize(request, principal, Permission.READ, unit_id)
    return [UnitView.of(u) for u in await request.app.state.runtime.directory.below(unit_id)]


@router.post("/units/{unit_id}/name", status_code=201, summary="Rename a unit (đổi tên)")
async def rename_unit(
    request: Request,
    unit_id: UnitIdPath,
    body: RenameUnitRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await authorize(request, principal, Permission.MANAGE_UNITS, unit_id)
    return await command(
        request,
        body,
        idempotency_key,
        lambda idem: handlers_of(request).rename_unit(
            unit_id, body.name, actor=principal.subject, idempotency=idem
        ),
        unit_id=unit_id,
    )


@router.post(
    "/units/{unit_id}/move", status_code=201, summary="Move a unit, and all below it, under another parent"
)
async def move_unit(
    request: Request,
    unit_id: UnitIdPath,
    body: MoveUnitRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await authorize(request, principal, Permission.MANAGE_UNITS, unit_id)
    await authorize(request, principal, Permission.MANAGE_UNITS, body.new_parent_id, field="new_parent_id")
    return await command(
        request,
        body,
        idempotency_key,
        lambda idem: handlers_of(request).move_unit(
            unit_id, body.new_parent_id, body.recognising_unit_id, actor=principal.subject, idempotency=idem
        ),
        unit_id=unit_id,
    )


@router.post("/units/{unit_id}/closure", status_code=201, summary="Close a unit (giải thể, sáp nhập)")
async def close_unit(
    request: Request,
    unit_id: UnitIdPath,
    body: CloseUnitRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await authorize(request, principal, Permission.MANAGE_UNITS, unit_id)
    if body.merged_into is not None:
        await authorize(request, principal, Permission.READ, body.merged_into, field="merged_into")
    return await command(
        request,
        body,
        idempotency_key,
        lambda idem: handlers_of(request).close_unit(
            unit_id, body.reason, body.merged_into, actor=principal.subject, idempotency=idem
        ),
        unit_id=unit_id,
    )


@router.post("/units/{unit_id}/roster-reviews", status_code=201, summary="A branch reviews its member list")
async def review_roster(
    request: Request,
    unit_id: UnitIdPath,
    body: RosterReviewRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    branch = await authorize(request, principal, Permission.RECORD_BRANCH_LIFE, unit_id)
    handlers = handlers_of(request)

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        event = unit_rules.review_roster(
            branch,
            unit_id,
            on=body.reviewed_on,
            today=handlers.today(),
            active_members=await handlers.members_on_rolls(branch.path),
        )
        return await handlers.unit_event(
            branch, event, actor=principal.subject, idempotency=idem, on=body.reviewed_on
        )

    return await command(request, body, idempotency_key, execute, unit_id=unit_id)


@router.post("/units/{unit_id}/dues-remittances", status_code=201, summary="Send a month's dues upward")
async def remit_dues(
    request: Request,
    unit_id: UnitIdPath,
    body: DuesRemittanceRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    unit = await authorize(request, principal, Permission.RECORD_BRANCH_LIFE, unit_id)
    handlers = handlers_of(request)

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        event = care.remit_dues(
            care.active_unit(unit, unit_id),
            month=body.month,
            amount_vnd=body.amount_vnd,
            already=await handlers.reported(unit_id, "remittance", body.month),
            today=handlers.today(),
        )
        return await handlers.unit_event(unit, event, actor=principal.subject, idempotency=idem)

    return await command(request, body, idempotency_key, execute, unit_id=unit_id)
