"""Exports of the overview and of a union's explanation, to xlsx and PDF, with the page's figures."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.dashboard.adapters.export import Document, Sheet, to_pdf, to_xlsx
from services.dashboard.app import views
from services.dashboard.app.session import AsOfDay, CurrentOfficer, today
from services.dashboard.domain.overview import Query as RowQuery
from services.dashboard.domain.text import format_date, indicator_name, label
from shared.contracts.org import UnitLevel
from shared.http.params import UnitIdPath

router = APIRouter()

Format = Literal["xlsx", "pdf"]
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def overview_document(data: views.Overview, lang: str) -> Document:
    def t(key: str) -> str:
        return label(lang, key)

    day = format_date(data.as_of or today(), lang)
    lines = (
        f"{t('as_of')}: {day}",
        f"{t('recognised_registered_total')}: {data.recognised}/{data.registered}/{data.total}",
        " · ".join(f"{t(s)}: {n}" for s, n in data.status.items()),
    )
    unions = Sheet(
        title=f"{data.unit.name} – {t('unions')}",
        lines=lines,
        headers=(t("union"), t("district"), t("c1"), t("c2"), t("c3"), t("overall"), t("stage")),
        rows=[
            (r.name, r.district_name, t(r.c1), t(r.c2), t(r.c3), t(r.status), t(r.stage) if r.stage else "")
            for r in data.shown
        ],
        widths=(4, 3, 1.3, 1.3, 1.3, 1.5, 1.7),
    )
    districts = Sheet(
        title=f"{data.unit.name} – {t('district')}",
        lines=(f"{t('as_of')}: {day}",),
        headers=(t("district"), t("total"), t("pass"), t("at_risk"), t("fail"), t("not_assessed")),
        rows=[
            (
                d.name or data.unit.name,
                str(d.total),
                *(str(d.status[s]) for s in ("pass", "at_risk", "fail", "not_assessed")),
            )
            for d in data.districts
        ],
        widths=(4, 1, 1, 1, 1, 1),
    )
    return Document(f"{data.unit.name} – {day}", [unions, districts])


def union_document(union: views.UnionPage, lang: str) -> Document:
    def t(key: str) -> str:
        return label(lang, key)

    c = union.compliance
    day = format_date(c["as_of"], lang)
    rows: list[tuple[str, ...]] = []
    for criterion in c["criteria"]:
        rows.append(
            (
                f"{t('criterion')} {criterion['criterion']}",
                criterion["name"],
                t(criterion["status"]),
                criterion["explanation"],
                "",
            )
        )
        for i in criterion["indicators"]:
            missing = "\n".join(m["description"] for m in i["missing"])
            core = f" ({t('core')})" if i["core"] else ""
            name = indicator_name(lang, i["indicator_id"], i["name"])
            rows.append((i["indicator_id"] + core, name, t(i["status"]), i["explanation"], missing))
    sheet = Sheet(
        title=f"{union.unit.name} – {t('explanation')}",
        lines=(f"{t('as_of')}: {day} · {t('year')}: {c['year']}", f"{t('overall')}: {t(c['status'])}"),
        headers=(t("indicator"), t("name"), t("status"), t("explanation"), t("missing")),
        rows=rows,
        widths=(1.4, 3, 1.3, 5, 4),
    )
    return Document(f"{union.unit.name} – {day}", [sheet])


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
    if unit.level is UnitLevel.GRASSROOTS:
        union = await views.union_page(request, officer, unit, as_of)
        return _download(request, union_document(union, officer.lang), fmt, f"{unit_id}-{stamp}")
    query = RowQuery(q=q, status=status, criterion=criterion, district=district, sort=sort, descending=desc)
    data = await views.overview(request, officer, unit, query, as_of)
    return _download(request, overview_document(data, officer.lang), fmt, f"{unit_id}-{stamp}")
