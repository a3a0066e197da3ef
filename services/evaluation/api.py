"""Evaluation's HTTP API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from services.evaluation.adapters.member_counts import active_members
from shared.auth import Permission
from shared.http.auth import CurrentPrincipal, authorize

router = APIRouter()


class MemberCount(BaseModel):
    unit_id: str
    active_members: int


@router.get(
    "/units/{unit_id}/member-count",
    tags=["members"],
    summary="Active members of a unit, including the units below it",
)
async def member_count(request: Request, unit_id: str, principal: CurrentPrincipal) -> MemberCount:
    await authorize(request, principal, Permission.READ, unit_id)
    async with request.app.state.runtime.db.read() as conn:
        return MemberCount(unit_id=unit_id, active_members=await active_members(conn, unit_id))
