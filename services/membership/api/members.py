"""Members over HTTP: admission, the personal record, the member list and one member's history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import func, select

from services.membership.adapters.access_log import log_reads
from services.membership.adapters.keys import open_with
from services.membership.adapters.read_models import members
from services.membership.api.common import Command, membership_of
from services.membership.api.scopes import member_in_scope
from services.membership.domain import commands as cmds
from services.membership.domain.member import MemberStatus
from services.membership.domain.profile import Profile
from services.membership.domain.streams import member_stream
from shared.auth import Permission, Principal
from shared.contracts.personal import Sealed
from shared.contracts.text import Line
from shared.contracts.values import Day
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.commands import Commands
from shared.http.params import Limit, Offset, PersonIdPath, UnitIdPath
from shared.ids import PERSON_ID_PATTERN, PersonId, UnitId

router = APIRouter(tags=["members"])

STATUS_PATTERN = "^(" + "|".join(s.value for s in MemberStatus) + ")$"


class AdmitMemberRequest(Command):
    branch_id: UnitId
    joined_on: Day
    admission_decision_ref: Line = Field(min_length=1, max_length=100, description="số quyết định kết nạp")
    profile: Profile = Field(description="the personal record: sealed under the member's own key")
    referred_by: PersonId | None = Field(
        default=None, description="the member of the same union who brought them in ('1+1')"
    )
    member_id: str | None = Field(
        default=None, pattern=PERSON_ID_PATTERN, description="omit to let the service give a pseudonymous id"
    )


class ProfileRequest(Command):
    profile: Profile


@router.post("/members", status_code=201, summary="Admit a member into a branch (kết nạp)")
async def admit_member(body: AdmitMemberRequest, run: Commands) -> JSONResponse:
    command = cmds.AdmitMember(
        member_id=body.member_id,
        branch_id=body.branch_id,
        joined_on=body.joined_on,
        admission_decision_ref=body.admission_decision_ref,
        profile=body.profile,
        referred_by=body.referred_by,
    )
    return await run(command)


@router.put(
    "/members/{member_id}/profile", status_code=201, summary="Correct or complete the personal record"
)
async def update_profile(member_id: PersonIdPath, body: ProfileRequest, run: Commands) -> JSONResponse:
    return await run(cmds.UpdateProfile(member_id=member_id, profile=body.profile), member_id=member_id)


async def _profiles(request: Request, principal: Principal, rows: list[Any], purpose: str) -> dict[str, Any]:
    """The opened profiles of ``rows``, if the caller may read personal fields (and the reads are logged)."""
    if not principal.can(Permission.READ_PERSONAL):
        return {}
    sealed = {r.member_id: Sealed.model_validate_json(r.profile) for r in rows if r.profile}
    keys = await membership_of(request).keys.keys(s.key_id for s in sealed.values())
    opened = {m: open_with(s, keys.get(s.key_id)) for m, s in sealed.items()}
    await log_reads(
        request.app.state.runtime.db,
        principal,
        [(r.member_id, r.unit_path, sealed[r.member_id].fields) for r in rows if opened.get(r.member_id)],
        purpose,
    )
    return opened


def member_view(row: Any, profile: dict[str, Any] | None, with_personal: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "member_id": row.member_id,
        "branch_id": row.branch_id,
        "status": row.status,
        "joined_on": row.joined_on.isoformat(),
        "in_branch_since": row.in_branch_since.isoformat(),
        "birth_year": row.birth_year,
        "card_number": row.card_number,
        "missing_fields": [f for f in row.missing_fields.split(",") if f],
        "erased": row.erased,
    }
    if with_personal:
        view["profile"] = profile
    return view


@router.get("/members/{member_id}", summary="One member; the personal record only for roles that may read it")
async def get_member(
    request: Request, member_id: PersonIdPath, principal: CurrentPrincipal
) -> dict[str, Any]:
    await member_in_scope(request, principal, Permission.READ, member_id)
    async with request.app.state.runtime.db.read() as conn:
        row = (await conn.execute(select(members).where(members.c.member_id == member_id))).one()
    profiles = await _profiles(request, principal, [row], "member")
    return member_view(row, profiles.get(member_id), principal.can(Permission.READ_PERSONAL))


@router.get("/members/{member_id}/history", summary="Everything recorded about one member, oldest first")
async def member_history(
    request: Request, member_id: PersonIdPath, principal: CurrentPrincipal
) -> list[dict[str, Any]]:
    await member_in_scope(request, principal, Permission.READ, member_id)
    history = await membership_of(request).store.read_stream(member_stream(member_id))
    return [
        {
            "event_id": str(e.event_id),
            "type": e.type,
            "occurred_at": e.occurred_at.isoformat(),
            "recorded_at": e.recorded_at.isoformat(),
            "unit_path": e.unit_path,
            "actor": e.actor,
            # Sealed fields stay sealed here: the profile is read through GET /members/{id}.
            "payload": e.payload.model_dump(mode="json"),
        }
        for e in history
    ]


@router.get("/units/{unit_id}/members", summary="Members of a unit and the units below it")
async def unit_members(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    status: Annotated[str | None, Query(pattern=STATUS_PATTERN)] = None,
    with_profile: Annotated[bool, Query(description="open the personal records (logged)")] = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    unit = await authorize(
        request, principal, Permission.READ_PERSONAL if with_profile else Permission.READ, unit_id
    )
    where = (members.c.unit_path == unit.path) | members.c.unit_path.startswith(
        unit.path + ".", autoescape=True
    )
    if status is not None:
        where = where & (members.c.status == status)
    async with request.app.state.runtime.db.read() as conn:
        total = (await conn.execute(select(func.count()).select_from(members).where(where))).scalar_one()
        rows = list(
            (
                await conn.execute(
                    select(members).where(where).order_by(members.c.member_id).limit(limit).offset(offset)
                )
            ).all()
        )
    profiles = await _profiles(request, principal, rows, "member list") if with_profile else {}
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "items": [member_view(r, profiles.get(r.member_id), with_profile) for r in rows],
    }
