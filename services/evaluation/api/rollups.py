"""The unions under a unit with their live status, the roll-up counts of a district or province, and
how many active members a unit has."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from services.evaluation.adapters.figures import AREA, figures_under
from services.evaluation.adapters.member_counts import active_members
from services.evaluation.adapters.queries import Years, rollup, unions_under
from services.evaluation.api.common import Reason, clock_of, reasons_of, rule_book
from shared.auth import Permission
from shared.contracts.org import UnitLevel, UnitType
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.params import Limit, Offset, UnitIdPath, YearQuery

router = APIRouter()


class MemberCount(BaseModel):
    unit_id: str
    active_members: int


class UnionSummary(BaseModel):
    year: int = Field(description="the evaluation year of the status")
    recognition_year: int = Field(description="the year of the recognition stage")
    unit_id: str
    name: str
    path: str
    unit_type: str
    unit_status: str
    status: str
    c1: str
    c2: str
    c3: str
    at_risk: list[str]
    failing: list[str]
    reasons: list[Reason] = Field(description="the failing indicators, then those at risk, by name")
    evaluated_on: date | None
    stage: str
    decision_number: str | None


class UnionList(BaseModel):
    unit_id: str
    year: int = Field(
        description="the year asked for; without one, each union is listed at its own current year "
        "(``year``, ``recognition_year``), and this is the calendar unions' evaluation year"
    )
    total: int
    items: list[UnionSummary]


class Census(BaseModel):
    """The youth census of an area (điều tra thanh niên): each unit's latest census in the year, added up.

    A unit's own census stands for its whole area; a unit without one adds up those below it.
    """

    units: int = Field(description="how many units' censuses are added up")
    as_of: date | None = Field(description="the day of the latest of them")
    counts: dict[str, int] = Field(description="young people by category, e.g. total, health_insurance")


class RollUp(BaseModel):
    unit_id: str
    year: int
    unions: int
    status: dict[str, int]
    criteria: dict[str, dict[str, int]]
    recognition: dict[str, Any]
    branches: int
    figures: dict[str, int]
    census: Census
    children: list[dict[str, Any]] = []


class AreaFigures(BaseModel):
    unit_id: str
    name: str
    level: str
    figures: dict[str, int]
    census: Census


class FiguresByLevel(BaseModel):
    unit_id: str
    year: int
    figures: dict[str, int]
    census: Census
    below: list[AreaFigures] = Field(description="the same for each unit directly below, in name order")


def _year(request: Request, year: int | None) -> int:
    today = clock_of(request).today()
    return year if year is not None else rule_book(request).default.year_of(today, UnitType.OTHER)


def _years(request: Request, year: int | None) -> Years:
    """The year asked for, else each union's own: its status now and its recognition in progress."""
    return (
        Years.of(year) if year is not None else Years.current(rule_book(request), clock_of(request).today())
    )


@router.get(
    "/units/{unit_id}/unions",
    tags=["compliance"],
    summary="The grassroots unions at or under a unit, with their live status and recognition stage",
)
async def union_list(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    year: YearQuery = None,
    status: Annotated[
        Literal["pass", "at_risk", "fail", "not_assessed"] | None,
        Query(description="only unions with this status"),
    ] = None,
    criterion: Annotated[
        int | None, Query(ge=1, le=3, description="filter on this criterion's status")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> UnionList:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    chosen = _year(request, year)
    async with request.app.state.runtime.db.read() as conn:
        total, items = await unions_under(
            conn,
            unit.path,
            _years(request, year),
            status=status,
            criterion=criterion,
            limit=limit,
            offset=offset,
        )
    book = rule_book(request)
    return UnionList(
        unit_id=unit_id,
        year=chosen,
        total=total,
        items=[
            UnionSummary.model_validate(
                {**i, "reasons": reasons_of(book.for_path(i["path"]), i["failing"], i["at_risk"])}
            )
            for i in items
        ],
    )


@router.get(
    "/units/{unit_id}/rollup",
    tags=["compliance"],
    summary="Counts for a district or province: statuses, recognised/registered/total, the sources' figures",
)
async def unit_rollup(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    year: YearQuery = None,
    children: Annotated[bool, Query(description="also give each unit directly below")] = True,
) -> RollUp:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    chosen = _year(request, year)
    years = _years(request, year)
    start, end = rule_book(request).default.year_bounds(chosen, UnitType.OTHER)
    runtime = request.app.state.runtime
    async with runtime.db.read() as conn:
        totals = await rollup(conn, unit.path, years, start, end)
        below = []
        if children and unit.level in (UnitLevel.CENTRAL, UnitLevel.PROVINCE, UnitLevel.DISTRICT):
            for child in await runtime.directory.children(unit_id):
                if child.level in (UnitLevel.PROVINCE, UnitLevel.DISTRICT):
                    part = await rollup(conn, child.path, years, start, end)
                    below.append({"unit_id": child.unit_id, "name": child.name, **part})
    return RollUp(unit_id=unit_id, year=chosen, children=below, **totals)


@router.get(
    "/units/{unit_id}/figures",
    tags=["compliance"],
    summary="Party referrals and admissions, admissions, 1+1 recruits, meetings and the youth census of a "
    "unit's area and of each unit directly below it",
)
async def unit_figures(
    request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal, year: YearQuery = None
) -> FiguresByLevel:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    chosen = _year(request, year)
    start, end = rule_book(request).default.year_bounds(chosen, UnitType.OTHER)
    runtime = request.app.state.runtime
    below = {c.unit_id: c for c in await runtime.directory.children(unit_id)}
    async with runtime.db.read() as conn:
        found = await figures_under(conn, unit.path, start, end, below)
    return FiguresByLevel(
        unit_id=unit_id,
        year=chosen,
        **found[AREA],
        below=[
            AreaFigures(unit_id=c.unit_id, name=c.name, level=c.level.value, **found[c.unit_id])
            for c in sorted(below.values(), key=lambda c: (c.name.casefold(), c.unit_id))
        ],
    )


@router.get(
    "/units/{unit_id}/member-count",
    tags=["members"],
    summary="Active members of a unit, including the units below it",
)
async def member_count(request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal) -> MemberCount:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    async with request.app.state.runtime.db.read() as conn:
        return MemberCount(unit_id=unit_id, active_members=await active_members(conn, unit.path))
