"""The pages: the overview of a unit, a union's compliance, an indicator's evidence, the inbox."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.dashboard.adapters.upstream import segment
from services.dashboard.api.errors import refusal_of_query
from services.dashboard.api.render import page
from services.dashboard.api.session import LANG_COOKIE, AsOfDay, CurrentOfficer
from services.dashboard.app import views
from services.dashboard.app.names import names
from services.dashboard.app.trend_chart import trend_svg
from services.dashboard.domain.overview import Query as RowQuery
from shared.contracts.org import UnitLevel
from shared.http.params import UnitIdPath, YearQuery

router = APIRouter()

AsOf = Annotated[
    date | None, Query(description="show the page as it stood on this day (replayed from history)")
]
Status = Annotated[Literal["", "pass", "at_risk", "fail", "not_assessed"], Query()]
Sort = Annotated[Literal["name", "status", "c1", "c2", "c3", "district", "stage"], Query()]


@router.get("/lang/{code}", include_in_schema=False)
async def choose_language(code: Literal["vi", "en"], next: str = "/") -> Response:
    answer = RedirectResponse(
        next if next.startswith("/") and not next.startswith("//") else "/", status_code=303
    )
    answer.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax")
    return answer


@router.get("/", include_in_schema=False)
async def home(officer: CurrentOfficer) -> Response:
    return RedirectResponse(f"/units/{officer.unit_id}", status_code=303)


@router.get(
    "/units/{unit_id}", response_class=HTMLResponse, summary="A unit's overview, or a union's compliance"
)
async def unit_page(
    request: Request,
    unit_id: UnitIdPath,
    officer: CurrentOfficer,
    as_of: AsOfDay,
    q: str = "",
    status: Status = "",
    criterion: Annotated[int, Query(ge=0, le=3)] = 0,
    district: str = "",
    sort: Sort = "status",
    desc: bool = False,
    done: str = "",
    error: Annotated[str, Query(description="the code of a refusal of the forms, said on the page")] = "",
) -> HTMLResponse:
    unit = await views.unit_in_scope(request, officer, unit_id)
    crumbs = await views.breadcrumb(request, officer, unit)
    common: dict[str, Any] = {"officer": officer, "crumbs": crumbs, "as_of": as_of, "done": done}
    if unit.level is UnitLevel.GRASSROOTS:
        union = await views.union_page(request, officer, unit, as_of)
        # A refusal of the forms below, carried back by the redirect; a unit it names, by its name.
        book = await names(request, officer, units=[request.query_params.get("error_accepted", "")])
        refused = refusal_of_query(request.query_params, book) if error else None
        return page(request, "union.html", officer.lang, union=union, names=book, refused=refused, **common)
    query = RowQuery(q=q, status=status, criterion=criterion, district=district, sort=sort, descending=desc)
    data = await views.overview(request, officer, unit, query, as_of)
    return page(request, "overview.html", officer.lang, data=data, **common)


@router.get("/units/{unit_id}/trend.svg", summary="The monthly trend of a unit's unions, as a chart")
async def trend_chart(
    request: Request,
    unit_id: UnitIdPath,
    officer: CurrentOfficer,
    year: YearQuery = None,
) -> Response:
    await views.unit_in_scope(request, officer, unit_id)
    trend = await views.upstream(request).evaluation_get(f"/units/{unit_id}/trend", officer.token, year=year)
    return Response(
        trend_svg(trend, officer.lang),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, max-age=60"},
    )


@router.get(
    "/units/{unit_id}/indicators/{indicator_id}",
    response_class=HTMLResponse,
    summary="One indicator of a union: its figures, the events behind it with their dates, what is missing",
)
async def indicator_page(
    request: Request, unit_id: UnitIdPath, indicator_id: str, officer: CurrentOfficer, as_of: AsOfDay
) -> HTMLResponse:
    unit = await views.unit_in_scope(request, officer, unit_id)
    crumbs = await views.breadcrumb(request, officer, unit)
    data = await views.indicator_page(request, officer, unit, indicator_id, as_of)
    return page(
        request,
        "indicator.html",
        officer.lang,
        officer=officer,
        crumbs=crumbs,
        unit=unit,
        data=data,
        as_of=as_of,
        names=data["names"],
    )


@router.get("/inbox", response_class=HTMLResponse, summary="The officer's alerts (hộp thư)")
async def inbox(request: Request, officer: CurrentOfficer, unread_only: bool = False) -> HTMLResponse:
    answer = await views.inbox(request, officer, unread_only)
    return page(
        request,
        "inbox.html",
        officer.lang,
        officer=officer,
        inbox=answer,
        unread_only=unread_only,
        names=answer["names"],
    )


@router.post("/inbox/{delivery_id}/read", include_in_schema=False)
async def mark_read(request: Request, delivery_id: str, officer: CurrentOfficer) -> Response:
    await views.upstream(request).notifications_post(f"/inbox/{segment(delivery_id)}/read", officer.token)
    return RedirectResponse("/inbox", status_code=303)
