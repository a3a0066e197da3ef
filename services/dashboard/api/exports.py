"""Downloads of the overview and of a union's explanation, as xlsx or PDF."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.dashboard.adapters.export import Document, Issued, to_pdf, to_xlsx
from services.dashboard.api.session import AsOfDay, CurrentOfficer
from services.dashboard.app import views
from services.dashboard.app.documents import overview_document, union_document
from services.dashboard.app.officer import today
from services.dashboard.domain.overview import Query as RowQuery
from shared.contracts.org import UnitLevel
from shared.http.params import UnitIdPath

router = APIRouter()

Format = Literal["xlsx", "pdf"]
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _download(request: Request, document: Document, fmt: Format, name: str) -> Response:
    settings = request.app.state.settings
    content = (
        to_xlsx(document) if fmt == "xlsx" else to_pdf(document, settings.pdf_font, settings.pdf_font_bold)
    )
    filename = f"{name}.{fmt}"
    return Response(
        content,
        media_type=MEDIA[fmt],
        headers={
            "Content-Disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
        },
    )


@router.get("/units/{unit_id}/export.{fmt}", summary="The overview (or a union's explanation) as xlsx or PDF")
async def export(
    request: Request,
    unit_id: UnitIdPath,
    fmt: Format,
    officer: CurrentOfficer,
    as_of: AsOfDay,
    q: str = "",
    status: Annotated[Literal["", "pass", "at_risk", "fail", "not_assessed"], Query()] = "",
    criterion: Annotated[int, Query(ge=0, le=3)] = 0,
    district: str = "",
    sort: Annotated[Literal["name", "status", "c1", "c2", "c3", "district", "stage"], Query()] = "status",
    desc: bool = False,
) -> Response:
    unit = await views.unit_in_scope(request, officer, unit_id)
    stamp = (as_of or today()).isoformat()
    # Who issues it: the officer's own unit, today, and the officer by name (their user id without one).
    principal = officer.principal
    issued = Issued(await views.issuing_unit(request, officer), today(), principal.name or principal.subject)
    if unit.level is UnitLevel.GRASSROOTS:
        union = await views.union_page(request, officer, unit, as_of)
        proposals = await views.advisory_proposals(request, officer, unit, as_of, union.year)
        document = union_document(union, officer.lang, issued, proposals)
        return _download(request, document, fmt, f"{unit_id}-{stamp}")
    query = RowQuery(q=q, status=status, criterion=criterion, district=district, sort=sort, descending=desc)
    data = await views.overview(request, officer, unit, query, as_of)
    return _download(request, overview_document(data, officer.lang, issued), fmt, f"{unit_id}-{stamp}")
