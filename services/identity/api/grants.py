"""Grants: issued and revoked by an admin of a unit above, listed for admins and auditors."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import select

from services.identity.adapters.tables import grants
from services.identity.api.guard import LivePrincipal, from_above
from services.identity.domain import commands as cmds
from shared.auth import Permission, Role, permissions_of
from shared.contracts.text import Note
from shared.contracts.values import Day
from shared.errors import ForbiddenError
from shared.http.auth import authorize
from shared.http.bodies import RequestBody
from shared.http.commands import Commands
from shared.ids import UNIT_ID_PATTERN, UnitId, path_contains

router = APIRouter(tags=["grants"])


class GrantRequest(RequestBody):
    account_id: str = Field(min_length=1, max_length=100)
    role: Role
    unit_id: UnitId = Field(description="where the role holds (and below it); strictly below your unit")
    valid_from: Day | None = Field(default=None, description="the first day (default: today)")
    valid_until: Day | None = Field(default=None, description="the last day (default: until revoked)")


class RevokeRequest(RequestBody):
    reason: Note = Field(default="", max_length=1000)


@router.post("/grants", status_code=201, summary="Grant a role at a unit below yours to an account")
async def issue(
    request: Request, body: GrantRequest, principal: LivePrincipal, run: Commands
) -> JSONResponse:
    command = cmds.IssueGrant(
        account_id=body.account_id,
        role=body.role,
        unit_id=body.unit_id,
        valid_from=body.valid_from or request.app.state.identity.today(),
        valid_until=body.valid_until,
    )
    return await run(command, vet=from_above(request, principal))


@router.post("/grants/{grant_id}/revocation", summary="Revoke a grant: tokens from it stop within their life")
async def revoke(
    request: Request, grant_id: str, body: RevokeRequest, principal: LivePrincipal, run: Commands
) -> JSONResponse:
    command = cmds.RevokeGrant(grant_id=grant_id, reason=body.reason)
    return await run(command, status_code=200, vet=from_above(request, principal), grant_id=grant_id)


@router.get(
    "/grants", summary="Who holds which role at a unit and below it, from when to when (auditors too)"
)
async def list_grants(
    request: Request,
    principal: LivePrincipal,
    unit_id: Annotated[str, Query(pattern=UNIT_ID_PATTERN, description="the unit (and those below it)")],
    on: Annotated[date | None, Query(description="only the grants in force on this day")] = None,
) -> dict[str, Any]:
    if not (principal.can(Permission.AUDIT) or principal.can(Permission.MANAGE_ACCOUNTS)):
        raise ForbiddenError(
            f"the role {principal.role.value} may not read grants",
            rule="forbidden_role",
            field="role",
            value=principal.role.value,
            accepted=", ".join(
                r.value for r in Role if {Permission.AUDIT, Permission.MANAGE_ACCOUNTS} & permissions_of(r)
            ),
        )
    permission = Permission.AUDIT if principal.can(Permission.AUDIT) else Permission.MANAGE_ACCOUNTS
    unit = await authorize(request, principal, permission, unit_id)
    async with request.app.state.runtime.db.read() as conn:
        rows = (await conn.execute(select(grants).order_by(grants.c.unit_path, grants.c.issued_at))).all()
    items = []
    for row in rows:
        if not path_contains(unit.path, row.unit_path):
            continue
        if on is not None and not (
            row.revoked_at is None
            and row.valid_from <= on
            and (row.valid_until is None or on <= row.valid_until)
        ):
            continue
        items.append(
            {
                "grant_id": row.grant_id,
                "account_id": row.account_id,
                "role": row.role,
                "unit_id": row.unit_id,
                "valid_from": row.valid_from.isoformat(),
                "valid_until": row.valid_until.isoformat() if row.valid_until else None,
                "source": row.source,
                "issued_by": row.issued_by,
                "issued_at": row.issued_at.isoformat(),
                "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
                "revoked_by": row.revoked_by,
                "reason": row.reason,
            }
        )
    return {"unit_id": unit_id, "items": items}
