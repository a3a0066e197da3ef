"""Bringing a year in over HTTP: a workbook checked whole, then recorded step by step with progress to poll.

``POST /units/{unit_id}/year-imports`` takes the workbook as the body (xlsx), or as the part ``workbook`` of
a form with a mapping file in the part ``mapping``. Every error answers 422 at once, naming its sheet, row
and column, and nothing is written; ``?dry_run=true`` stops after the check. Otherwise the answer is 202
with the job, whose progress ``GET /year-imports/{job_id}`` gives (ADR 0019).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from services.membership.adapters.spreadsheet import XLSX
from services.membership.app.year_import import YearImportRejectedError, YearImports
from services.membership.settings import MembershipSettings
from shared.auth import Permission
from shared.errors import DomainError, NotFoundError
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.errors import echoed
from shared.http.limits import allow_body, read_body
from shared.http.params import UnitIdPath

router = APIRouter(tags=["year import"])

MAX_ERRORS = 1000
"""Errors listed in one refusal: enough for a whole workbook's worth of one mistake."""
MAX_MAPPING_BYTES = 256 * 1024


def year_imports(request: Request) -> YearImports:
    imports: YearImports = request.app.state.year_imports
    return imports


@router.post(
    "/units/{unit_id}/year-imports",
    status_code=202,
    summary="Bring a year in from the year workbook: every row checked first, then recorded step by step",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                XLSX: {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["workbook"],
                        "properties": {
                            "workbook": {"type": "string", "format": "binary"},
                            "mapping": {"type": "string", "format": "binary"},
                        },
                    }
                },
            },
        }
    },
)
async def import_year(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    dry_run: Annotated[
        bool, Query(description="check the workbook and say what would be sent; send nothing")
    ] = False,
) -> JSONResponse:
    """Everything the workbook names lies at or below ``unit_id``; each step is sent with the caller's own
    token, so each service holds it to the token's role and scope."""
    unit = await authorize(request, principal, Permission.READ, unit_id)
    workbook, mapping = await _received(request)
    imports = year_imports(request)
    try:
        plan = await imports.check(unit, principal, workbook, mapping)
    except YearImportRejectedError as exc:
        return rejected(exc)
    if dry_run:
        return JSONResponse({"dry_run": True, "unit_id": unit.unit_id, **plan.summary()})
    token = request.headers["authorization"].split(" ", 1)[1].strip()
    job = imports.start(unit, principal, token, plan)
    return JSONResponse(job.view(), status_code=202, headers={"Location": f"/year-imports/{job.job_id}"})


@router.get("/year-imports/{job_id}", summary="How far a year import is, and how it ended")
async def import_progress(request: Request, job_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
    unknown = NotFoundError(
        f"year import {job_id!r} is not known",
        rule="unknown_import",
        field="job_id",
        value=job_id,
        accepted="the job_id a year import answered with (kept while the service runs)",
    )
    job = year_imports(request).jobs.get(job_id)
    if job is None:
        raise unknown
    await authorize(request, principal, Permission.READ, job.unit_id, unknown=unknown)
    return job.view()


async def _received(request: Request) -> tuple[bytes, str | None]:
    """The workbook, and the mapping file if one came with it."""
    settings: MembershipSettings = request.app.state.settings
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await read_body(request, settings.import_max_bytes), None
    allow_body(request, settings.import_max_bytes + MAX_MAPPING_BYTES)
    async with request.form(max_files=2, max_fields=2, max_part_size=MAX_MAPPING_BYTES) as form:
        workbook, mapping = form.get("workbook"), form.get("mapping")
        if not isinstance(workbook, UploadFile):
            raise DomainError(
                "the form has no workbook", rule="no_workbook", field="workbook", value=None,
                accepted="a part 'workbook' holding the xlsx file",
            )  # fmt: skip
        content = await workbook.read()
        if mapping is None:
            return content, None
        text = (await mapping.read()) if isinstance(mapping, UploadFile) else mapping.encode()
    try:
        return content, text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DomainError(
            "the mapping file is not UTF-8 text", rule="invalid_mapping", field="mapping", value=None,
            accepted="a YAML mapping file in UTF-8",
        ) from exc  # fmt: skip


def rejected(exc: YearImportRejectedError) -> JSONResponse:
    """Every error of the workbook (the first :data:`MAX_ERRORS`), by sheet, row and column."""
    details = [{k: echoed(v) if k == "value" else v for k, v in e.to_dict().items()} for e in exc.errors]
    body: dict[str, Any] = {"error": "import_rejected", "message": str(exc), "detail": details[:MAX_ERRORS]}
    if len(details) > MAX_ERRORS:
        body["more"] = len(details) - MAX_ERRORS
    return JSONResponse(body, status_code=422)
