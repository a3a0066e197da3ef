"""A person's rights over their data: erasure (quyền xóa dữ liệu), and the log of who read it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.membership.adapters.access_log import reads_under
from services.membership.api.common import Command, membership_of
from services.membership.domain import commands as cmds
from shared.auth import Permission
from shared.contracts.text import Line
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.commands import Commands
from shared.http.params import Limit, PersonIdPath, UnitIdPath
from shared.ids import PersonId

router = APIRouter(tags=["personal data"])


class ErasureRequest(Command):
    request_ref: Line = Field(
        min_length=1, max_length=200, description="the reference of the person's request"
    )


@router.post(
    "/people/{person_id}/erasure",
    status_code=201,
    summary="Erase a person: destroy their key, so their personal fields are unreadable in every copy",
    description=(
        "Answers once no file of the database holds the key any more. 503 `purge_incomplete`: the person is "
        "erased, but a long read still holds an older copy of the key; retry the request to remove it."
    ),
)
async def erase(
    person_id: PersonIdPath, body: ErasureRequest, request: Request, run: Commands
) -> JSONResponse:
    answer = await run(
        cmds.ErasePerson(person_id=person_id, request_ref=body.request_ref), person_id=person_id
    )
    # The erasure answers only once no file holds the key: after this erasure, and after a replayed one
    # whose first purge did not finish.
    await membership_of(request).keys.purge_destroyed()
    return answer


@router.get(
    "/units/{unit_id}/personal-reads", summary="Who read personal or sensitive fields of people in the unit"
)
async def personal_reads(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    person_id: PersonId | None = None,
    limit: Limit = 100,
) -> list[dict[str, Any]]:
    unit = await authorize(request, principal, Permission.AUDIT, unit_id)
    async with request.app.state.runtime.db.read() as conn:
        rows = await reads_under(conn, unit.path, person_id, limit)
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows]
