"""Membership's HTTP API: thin, maps requests to commands and queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from services.membership.adapters.read_models import members
from services.membership.app.handlers import MembershipHandlers
from services.membership.domain.members import AdmitMember
from services.membership.domain.units import RegisterUnit
from shared.auth import Permission
from shared.contracts.org import OrgUnit, UnitLevel, UnitType
from shared.errors import NotFoundError
from shared.events import Envelope
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.idempotency import IdempotencyKey, run_command
from shared.ids import UnitId, new_id

router = APIRouter()


class RegisterUnitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: UnitId = Field(description="the unit's code, e.g. 'bg-pl-dcs-cuc-thue'")
    name: str = Field(min_length=1, max_length=300)
    level: UnitLevel
    unit_type: UnitType
    parent_id: UnitId
    recognising_unit_id: UnitId | None = Field(
        default=None,
        description="for a grassroots union: the unit above it that recognises it (default: its parent)",
    )


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


class AdmitMemberRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    branch_id: UnitId
    joined_on: date
    admission_decision_ref: str = Field(min_length=1, max_length=100, description="số quyết định kết nạp")
    referred_by: str | None = Field(default=None, description="the member who brought them in ('1+1')")
    member_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="omit to let the service give a pseudonymous id",
    )


def _handlers(request: Request) -> MembershipHandlers:
    handlers: MembershipHandlers = request.app.state.handlers
    return handlers


def _event_answer(envelopes: Sequence[Envelope], **extra: Any) -> dict[str, Any]:
    return {
        **extra,
        "events": [{"event_id": str(e.event_id), "type": e.type, "position": e.position} for e in envelopes],
    }


@router.post("/units", status_code=201, tags=["org tree"], summary="Register a unit under its parent")
async def register_unit(
    request: Request,
    body: RegisterUnitRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await authorize(request, principal, Permission.MANAGE_UNITS, body.parent_id)
    cmd = RegisterUnit(**body.model_dump())
    return await run_command(
        request,
        request.app.state.runtime.store,
        idempotency_key,
        body,
        lambda idem: _handlers(request).register_unit(cmd, actor=principal.subject, idempotency=idem),
        lambda envs: _event_answer(envs, unit_id=cmd.unit_id),
    )


@router.get("/units/{unit_id}", tags=["org tree"], summary="One unit")
async def get_unit(request: Request, unit_id: str, principal: CurrentPrincipal) -> UnitView:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    return UnitView.of(unit)


@router.get("/units/{unit_id}/tree", tags=["org tree"], summary="The unit and every unit below it")
async def unit_tree(request: Request, unit_id: str, principal: CurrentPrincipal) -> list[UnitView]:
    await authorize(request, principal, Permission.READ, unit_id)
    return [UnitView.of(u) for u in await request.app.state.runtime.directory.below(unit_id)]


@router.post("/members", status_code=201, tags=["members"], summary="Admit a member into a branch (kết nạp)")
async def admit_member(
    request: Request,
    body: AdmitMemberRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await authorize(request, principal, Permission.MANAGE_MEMBERS, body.branch_id)
    cmd = AdmitMember(
        member_id=body.member_id or new_id("m"),
        branch_id=body.branch_id,
        joined_on=body.joined_on,
        admission_decision_ref=body.admission_decision_ref,
        referred_by=body.referred_by,
    )
    return await run_command(
        request,
        request.app.state.runtime.store,
        idempotency_key,
        body,
        lambda idem: _handlers(request).admit_member(cmd, actor=principal.subject, idempotency=idem),
        lambda envs: _event_answer(envs, member_id=cmd.member_id),
    )


@router.get("/members/{member_id}", tags=["members"], summary="One member (pseudonymous view)")
async def get_member(request: Request, member_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
    async with request.app.state.runtime.db.read() as conn:
        row = (await conn.execute(select(members).where(members.c.member_id == member_id))).first()
    if row is None:
        raise NotFoundError(
            f"member {member_id!r} is not known",
            rule="unknown_member",
            field="member_id",
            value=member_id,
            accepted="the id of an admitted member",
        )
    await authorize(request, principal, Permission.READ, row.branch_id)
    return {
        "member_id": row.member_id,
        "branch_id": row.branch_id,
        "status": row.status,
        "joined_on": row.joined_on.isoformat(),
    }


@router.get("/units/{unit_id}/members", tags=["members"], summary="Members of a unit and the units below it")
async def unit_members(
    request: Request,
    unit_id: str,
    principal: CurrentPrincipal,
    status: Annotated[str | None, Query(pattern="^(active|transferred|matured|struck_off)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    where = (members.c.unit_path == unit.path) | members.c.unit_path.startswith(
        unit.path + ".", autoescape=True
    )
    if status is not None:
        where = where & (members.c.status == status)
    async with request.app.state.runtime.db.read() as conn:
        total = (await conn.execute(select(func.count()).select_from(members).where(where))).scalar_one()
        rows = (
            await conn.execute(
                select(members).where(where).order_by(members.c.member_id).limit(limit).offset(offset)
            )
        ).all()
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "items": [
            {
                "member_id": r.member_id,
                "branch_id": r.branch_id,
                "status": r.status,
                "joined_on": r.joined_on.isoformat(),
            }
            for r in rows
        ],
    }
