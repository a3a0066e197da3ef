"""How a page names members: their branch and their number in it, and their name for roles that may read it.

Pages show people, not ids. A reader allowed to read personal fields sees the member's name (họ và tên),
and the read is logged like any other; anyone else sees a pseudonym built from the branch and a number
("Đoàn viên #3 của Chi đoàn 2"). Only ``full_name`` is opened and returned.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from services.membership.adapters.access_log import log_reads
from services.membership.adapters.keys import open_with
from services.membership.adapters.read_models import members
from services.membership.api.common import membership_of
from shared.auth import Permission
from shared.contracts.personal import Sealed
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.params import UnitIdPath
from shared.ids import PersonId

router = APIRouter(tags=["members"])

MAX_NAMES = 500
NAME_FIELDS = ("full_name",)


class MemberName(BaseModel):
    member_id: str
    branch_id: str = Field(description="the member's branch now")
    number: int = Field(
        description="the member's number in the branch: 1 for the first to join it (or to be transferred "
        "in), counting those who have left, so it does not change when others come and go"
    )
    full_name: str | None = Field(
        default=None, description="họ và tên: only for roles that may read personal fields, none once erased"
    )


class MemberNames(BaseModel):
    with_names: bool = Field(description="whether the caller's role may read names (read_personal)")
    items: list[MemberName]


@router.get(
    "/units/{unit_id}/member-names",
    summary="How a page may name the members it shows: branch and number, and the name for roles that may",
    description=(
        "The members asked for that belong to the unit or a unit below it; the others are left out, "
        "alike whether they exist elsewhere or not. Names are opened only for roles with `read_personal`, "
        "and each name read is logged (`GET /units/{id}/personal-reads`)."
    ),
)
async def member_names(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    member_id: Annotated[
        list[PersonId], Query(max_length=MAX_NAMES, description=f"the members to name, at most {MAX_NAMES}")
    ],
) -> MemberNames:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    under = (members.c.unit_path == unit.path) | members.c.unit_path.startswith(
        unit.path + ".", autoescape=True
    )
    asked = sorted(set(member_id))
    async with request.app.state.runtime.db.read() as conn:
        found = (await conn.execute(select(members).where(under, members.c.member_id.in_(asked)))).all()
        numbers = await _numbers(conn, {r.branch_id for r in found})
    with_names = principal.can(Permission.READ_PERSONAL)
    names = await _names(request, principal, found) if with_names else {}
    return MemberNames(
        with_names=with_names,
        items=[
            MemberName(
                member_id=r.member_id,
                branch_id=r.branch_id,
                number=numbers.get(r.member_id, 0),
                full_name=names.get(r.member_id),
            )
            for r in found
        ],
    )


async def _numbers(conn: Any, branches: set[str]) -> dict[str, int]:
    """Each member's number in their branch, in the order they came into it."""
    if not branches:
        return {}
    number = func.row_number().over(
        partition_by=members.c.branch_id, order_by=(members.c.in_branch_since, members.c.member_id)
    )
    rows = await conn.execute(
        select(members.c.member_id, number.label("number")).where(members.c.branch_id.in_(sorted(branches)))
    )
    return {r.member_id: int(r.number) for r in rows}


async def _names(request: Request, principal: Any, rows: list[Any]) -> dict[str, str]:
    """The names of ``rows`` whose key still exists; every name opened is logged as a read of ``full_name``."""
    sealed = {r.member_id: Sealed.model_validate_json(r.profile) for r in rows if r.profile and not r.erased}
    keys = await membership_of(request).keys.keys(s.key_id for s in sealed.values())
    names: dict[str, str] = {}
    for member, seal in sealed.items():
        fields = open_with(seal, keys.get(seal.key_id))
        if fields and fields.get("full_name"):
            names[member] = str(fields["full_name"])
    paths = {r.member_id: r.unit_path for r in rows}
    await log_reads(
        request.app.state.runtime.db,
        principal,
        [(member, paths[member], NAME_FIELDS) for member in names],
        "names on a page",
    )
    return names
