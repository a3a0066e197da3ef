"""A unit's member list in and out of xlsx."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from services.membership.adapters.access_log import log_reads
from services.membership.adapters.keys import open_with
from services.membership.adapters.read_models import members
from services.membership.adapters.spreadsheet import SheetFormatError, read_rows, write_rows
from services.membership.api.common import handlers_of
from services.membership.app.imports import ImportRejectedError, MemberImport
from shared.auth import Permission
from shared.contracts.personal import Sealed
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.errors import problem
from shared.http.idempotency import IdempotencyKey, run_command

router = APIRouter(tags=["spreadsheets"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 20 * 1024 * 1024


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
async def import_members(
    request: Request, unit_id: str, principal: CurrentPrincipal, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    unit = await authorize(request, principal, Permission.MANAGE_MEMBERS, unit_id)
    content = await request.body()
    if len(content) > MAX_BYTES:
        detail: dict[str, Any] = {
            "field": "body",
            "value": f"{len(content)} bytes",
            "accepted": f"at most {MAX_BYTES} bytes",
        }
        return problem(413, "file_too_large", "the workbook is too large", [detail])
    try:
        rows = read_rows(content)
    except SheetFormatError as exc:
        detail = {
            "field": "body",
            "value": list(exc.missing) or None,
            "accepted": f"an xlsx workbook ({XLSX})",
        }
        return problem(422, "not_a_member_list", str(exc), [detail])
    importer = MemberImport(handlers_of(request))

    def summary(envelopes: Any) -> dict[str, Any]:
        kinds = Counter(e.type for e in envelopes)
        return {
            "unit_id": unit_id,
            "rows": len(rows),
            "admitted": kinds["MemberJoined"],
            "updated": kinds["MemberProfileUpdated"],
            "unchanged": len(rows) - kinds["MemberJoined"] - kinds["MemberProfileUpdated"],
        }

    try:
        return await run_command(
            request,
            request.app.state.runtime.store,
            idempotency_key,
            None,
            lambda idem: importer.run(unit, rows, actor=principal.subject, idempotency=idem),
            summary,
        )
    except ImportRejectedError as exc:
        return problem(422, "import_rejected", str(exc), [e.to_dict() for e in exc.errors])


@router.get(
    "/units/{unit_id}/members/export",
    summary="Export the unit's member list (with personal fields; the reads are logged)",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
async def export_members(request: Request, unit_id: str, principal: CurrentPrincipal) -> Response:
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
    keys = await handlers_of(request).keys.keys(r.member_id for r in rows)
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
        write_rows(out, unit.name),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="members-{unit_id}.xlsx"'},
    )
