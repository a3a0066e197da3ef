"""A unit's member list in and out of xlsx."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from services.membership.adapters.access_log import log_reads
from services.membership.adapters.keys import open_with
from services.membership.adapters.read_models import members
from services.membership.adapters.spreadsheet import XLSX, write_rows
from services.membership.api.common import membership_of
from services.membership.app.imports import ImportRejectedError
from services.membership.domain import commands as cmds
from services.membership.settings import MembershipSettings
from shared.auth import Permission
from shared.contracts.personal import Sealed
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.commands import Commands
from shared.http.errors import problem
from shared.http.limits import read_body
from shared.http.params import UnitIdPath

router = APIRouter(tags=["spreadsheets"])


@router.post(
    "/units/{unit_id}/members/import",
    status_code=201,
    summary="Import the unit's member list from xlsx: every row checked, all written or none",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def import_members(request: Request, unit_id: UnitIdPath, run: Commands) -> JSONResponse:
    """At most ``MEMBERSHIP_IMPORT_MAX_BYTES`` (413 past it) and ``MEMBERSHIP_IMPORT_MAX_ROWS`` rows."""
    settings: MembershipSettings = request.app.state.settings
    sheet = await read_body(request, settings.import_max_bytes)
    try:
        return await run(cmds.ImportMemberList(unit_id=unit_id, sheet=sheet))
    except ImportRejectedError as exc:
        return problem(422, "import_rejected", str(exc), [e.to_dict() for e in exc.errors])


@router.get(
    "/units/{unit_id}/members/export",
    summary="Export the unit's member list (with personal fields; the reads are logged)",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
async def export_members(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    lang: Annotated[
        Literal["vi", "en"],
        Query(description="the language of the headers and values (Vietnamese by default)"),
    ] = "vi",
) -> Response:
    unit = await authorize(request, principal, Permission.READ_PERSONAL, unit_id)
    under = (members.c.unit_path == unit.path) | members.c.unit_path.startswith(
        f"{unit.path}.", autoescape=True
    )
    async with request.app.state.runtime.db.read() as conn:
        rows = (
            await conn.execute(
                select(members).where(under).order_by(members.c.branch_id, members.c.member_id)
            )
        ).all()
    keys = await membership_of(request).keys.keys(r.member_id for r in rows)
    out, reads = [], []
    for r in rows:
        sealed = Sealed.model_validate_json(r.profile) if r.profile else None
        profile = open_with(sealed, keys.get(r.member_id)) or {}
        if sealed is not None and profile:
            reads.append((r.member_id, r.unit_path, sealed.fields))
        out.append(
            {
                **profile,
                "member_id": r.member_id,
                "branch_id": r.branch_id,
                "joined_on": r.joined_on,
                "admission_decision_ref": r.admission_decision_ref,
                "status": r.status,
            }
        )
    await log_reads(request.app.state.runtime.db, principal, reads, "member list export")
    return Response(
        write_rows(out, unit.name, lang),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="members-{unit_id}.xlsx"'},
    )
