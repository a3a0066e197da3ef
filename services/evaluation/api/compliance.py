"""Evaluation's compliance API: a union's compliance with its evidence, lists and roll-ups, member counts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from services.evaluation.adapters.member_counts import active_members
from services.evaluation.adapters.queries import rollup, unions_under
from services.evaluation.app.compliance import compliance_of
from services.evaluation.domain.evaluate import AsOf
from services.evaluation.domain.explain import explain
from services.evaluation.domain.results import UnitCompliance
from services.evaluation.domain.rulebook import RuleBook
from shared.auth import Permission
from shared.clock import Clock, local_date
from shared.contracts.org import OrgUnit, UnitLevel, UnitType
from shared.errors import DomainError
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.params import AsOfQuery, KnownAtQuery, Limit, Offset, UnitIdPath, YearQuery

router = APIRouter()


class NotAUnionError(DomainError):
    status_code = 422


class MemberCount(BaseModel):
    unit_id: str
    active_members: int


class UnionSummary(BaseModel):
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
    evaluated_on: date | None
    stage: str
    decision_number: str | None


class UnionList(BaseModel):
    unit_id: str
    year: int
    total: int
    items: list[UnionSummary]


class RollUp(BaseModel):
    unit_id: str
    year: int
    unions: int
    status: dict[str, int]
    criteria: dict[str, dict[str, int]]
    recognition: dict[str, Any]
    branches: int
    figures: dict[str, int]
    children: list[dict[str, Any]] = []


def _book(request: Request) -> RuleBook:
    book: RuleBook = request.app.state.rule_book
    return book


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _as_of(request: Request, as_of: date | None, known_at: datetime | None) -> AsOf:
    if known_at is not None:
        return AsOf(as_of or local_date(known_at), known_at)
    return AsOf(as_of or _clock(request).today())


async def _compliance(request: Request, unit: OrgUnit, as_of: AsOf, year: int | None) -> UnitCompliance:
    if unit.level is not UnitLevel.GRASSROOTS:
        raise NotAUnionError(
            f"unit {unit.unit_id!r} is a {unit.level.value} unit; compliance is judged per grassroots union",
            rule="not_a_union",
            field="unit_id",
            value=unit.unit_id,
            accepted="the id of a grassroots union (Đoàn cơ sở)",
        )
    async with request.app.state.runtime.db.read() as conn:
        result = await compliance_of(conn, _book(request), unit.unit_id, as_of, year)
    assert result is not None
    return result


@router.get(
    "/units/{unit_id}/compliance",
    tags=["compliance"],
    summary="A union's compliance per criterion and indicator, with evidence and what is missing",
)
async def unit_compliance(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    as_of: AsOfQuery = None,
    known_at: KnownAtQuery = None,
    year: YearQuery = None,
) -> UnitCompliance:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    return await _compliance(request, unit, _as_of(request, as_of, known_at), year)


@router.get(
    "/units/{unit_id}/explanation",
    tags=["compliance"],
    summary="The same evaluation in words (text/plain)",
    response_class=PlainTextResponse,
)
async def unit_explanation(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    as_of: AsOfQuery = None,
    known_at: KnownAtQuery = None,
    year: YearQuery = None,
) -> PlainTextResponse:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    result = await _compliance(request, unit, _as_of(request, as_of, known_at), year)
    return PlainTextResponse(explain(result))


def _year(request: Request, year: int | None) -> int:
    return (
        year if year is not None else _book(request).default.year_of(_clock(request).today(), UnitType.OTHER)
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
            conn, unit.path, chosen, status=status, criterion=criterion, limit=limit, offset=offset
        )
    return UnionList(
        unit_id=unit_id, year=chosen, total=total, items=[UnionSummary.model_validate(i) for i in items]
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
    start, end = _book(request).default.year_bounds(chosen, UnitType.OTHER)
    runtime = request.app.state.runtime
    async with runtime.db.read() as conn:
        totals = await rollup(conn, unit.path, chosen, start, end)
        below = []
        if children and unit.level in (UnitLevel.CENTRAL, UnitLevel.PROVINCE, UnitLevel.DISTRICT):
            for child in await runtime.directory.children(unit_id):
                if child.level in (UnitLevel.PROVINCE, UnitLevel.DISTRICT):
                    part = await rollup(conn, child.path, chosen, start, end)
                    below.append({"unit_id": child.unit_id, "name": child.name, **part})
    return RollUp(unit_id=unit_id, year=chosen, children=below, **totals)


@router.get(
    "/units/{unit_id}/member-count",
    tags=["members"],
    summary="Active members of a unit, including the units below it",
)
async def member_count(request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal) -> MemberCount:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    async with request.app.state.runtime.db.read() as conn:
        return MemberCount(unit_id=unit_id, active_members=await active_members(conn, unit.path))
