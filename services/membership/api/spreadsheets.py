"""A unit's member list in and out of xlsx."""

from __future__ import annotations

from collections import Counter
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from services.membership.adapters.access_log import log_reads
from services.membership.adapters.keys import open_with
from services.membership.adapters.read_models import members
from services.membership.adapters.spreadsheet import (
    SheetFormatError,
    SheetRow,
    SheetTooLongError,
    read_rows,
    write_rows,
)
from services.membership.api.common import handlers_of
from services.membership.app.imports import ImportRejectedError, MemberImport
from services.membership.settings import MembershipSettings
from shared.auth import Permission
from shared.contracts.personal import Sealed
from shared.errors import DomainError
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.errors import problem
from shared.http.idempotency import IdempotencyKey, run_command
from shared.http.limits import read_body
from shared.http.params import UnitIdPath

router = APIRouter(tags=["spreadsheets"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """At most ``MEMBERSHIP_IMPORT_MAX_BYTES`` (413 past it) and ``MEMBERSHIP_IMPORT_MAX_ROWS`` rows."""
    unit = await authorize(request, principal, Permission.MANAGE_MEMBERS, unit_id)
    settings: MembershipSettings = request.app.state.settings
    content = await read_body(request, settings.import_max_bytes)
    rows = await _parse(content, settings.import_max_rows)
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


async def _parse(content: bytes, max_rows: int) -> list[SheetRow]:
    """The sheet's rows, read in a worker thread: parsing a large sheet must not stall the service."""
    try:
        return await anyio.to_thread.run_sync(read_rows, content, max_rows)
    except SheetFormatError as exc:
        raise DomainError(
            str(exc),
            rule="not_a_member_list",
            field="body",
            value=list(exc.missing) or None,
            accepted=f"an xlsx workbook ({XLSX})",
        ) from exc
    except SheetTooLongError as exc:
        raise DomainError(
            str(exc),
            rule="too_many_rows",
            field="body",
            value=f"sheet {exc.sheet!r}: more than {exc.max_rows} rows",
            accepted=f"at most {exc.max_rows} rows below the header (MEMBERSHIP_IMPORT_MAX_ROWS): "
            "split the list into several imports",
        ) from exc


@router.get(
    "/units/{unit_id}/members/export",
    summary="Export the unit's member list (with personal fields; the reads are logged)",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
async def export_members(request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal) -> Response:
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
