"""Compliance of every union under a unit on past dates: the overview as of a day, and the monthly trend.

Both replay the facts (what happened by the day, or what was known at an instant), never the stored
live status, so a page "as of 31/03" shows what the rules said on 31/03.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.unions import LoadedUnion, load_union
from services.evaluation.domain.evaluate import AsOf, evaluate
from services.evaluation.domain.results import IndicatorResult
from services.evaluation.domain.rulebook import RuleBook
from shared.auth import Permission
from shared.clock import Clock, local_date
from shared.contracts.org import UnitLevel
from shared.contracts.values import EvaluatedDay
from shared.errors import NotFoundError
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.params import KnownAtQuery, UnitIdPath, YearQuery
from shared.orgtree import org_units

router = APIRouter(tags=["compliance"])


class UnknownItemError(NotFoundError):
    """A union or indicator the request names does not exist."""


STATUSES = ("pass", "at_risk", "fail", "not_assessed")


class UnionOnDay(BaseModel):
    unit_id: str
    name: str
    path: str
    unit_type: str
    status: str
    c1: str
    c2: str
    c3: str
    at_risk: list[str]
    failing: list[str]


class UnionsOnDay(BaseModel):
    unit_id: str
    as_of: date
    known_at: datetime | None
    total: int
    items: list[UnionOnDay]


class TrendPoint(BaseModel):
    month: str
    as_of: date
    status: dict[str, int]
    criteria: dict[str, dict[str, int]]


class Trend(BaseModel):
    unit_id: str
    year: int
    unions: int
    months: list[TrendPoint]


@dataclass(frozen=True, slots=True)
class _Judged:
    status: str
    criteria: tuple[str, str, str]
    at_risk: list[str]
    failing: list[str]


async def _unions(conn: AsyncConnection, path: str) -> list[LoadedUnion]:
    query = (
        select(org_units.c.unit_id)
        .where(
            (org_units.c.path == path) | org_units.c.path.startswith(f"{path}.", autoescape=True),
            org_units.c.level == UnitLevel.GRASSROOTS.value,
        )
        .order_by(org_units.c.path)
    )
    loaded = []
    for (unit_id,) in (await conn.execute(query)).all():
        union = await load_union(conn, unit_id)
        if union is not None:
            loaded.append(union)
    return loaded


def _judge(book: RuleBook, union: LoadedUnion, as_of: AsOf, year: int | None = None) -> _Judged:
    rules = book.for_path(union.unit.path)
    chosen = year if year is not None else rules.year_of(as_of.day, union.view.unit_type)
    result = evaluate(rules, union.view, union.facts, chosen, as_of)
    by_criterion = {c.criterion: c.status.value for c in result.criteria}
    indicators = [i for c in result.criteria for i in c.indicators]
    return _Judged(
        result.status.value,
        (
            by_criterion.get(1, "not_assessed"),
            by_criterion.get(2, "not_assessed"),
            by_criterion.get(3, "not_assessed"),
        ),
        sorted(i.indicator_id for i in indicators if i.status.value == "at_risk"),
        sorted(i.indicator_id for i in indicators if i.status.value == "fail"),
    )


@router.get(
    "/units/{unit_id}/unions/as-of",
    summary="The grassroots unions at or under a unit with their status on a past day, replayed from the facts",
)
async def unions_as_of(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    as_of: Annotated[EvaluatedDay | None, Query(description="the day (default: today)")] = None,
    known_at: KnownAtQuery = None,
) -> UnionsOnDay:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    clock: Clock = request.app.state.clock
    book: RuleBook = request.app.state.rule_book
    day = as_of or (local_date(known_at) if known_at else clock.today())
    when = AsOf(day, known_at)
    async with request.app.state.runtime.db.read() as conn:
        loaded = await _unions(conn, unit.path)
    items = []
    for union in loaded:
        judged = _judge(book, union, when)
        c1, c2, c3 = judged.criteria
        items.append(
            UnionOnDay(
                unit_id=union.unit.unit_id,
                name=union.unit.name,
                path=union.unit.path,
                unit_type=union.unit.unit_type.value,
                status=judged.status,
                c1=c1,
                c2=c2,
                c3=c3,
                at_risk=judged.at_risk,
                failing=judged.failing,
            )
        )
    return UnionsOnDay(unit_id=unit_id, as_of=day, known_at=known_at, total=len(items), items=items)


def _month_ends(year: int, today: date) -> list[date]:
    ends = []
    for month in range(1, 13):
        end = date(year, month, calendar.monthrange(year, month)[1])
        if date(year, month, 1) > today:
            break
        ends.append(min(end, today))
    return ends


@router.get(
    "/units/{unit_id}/trend",
    summary="Month by month: how many unions under a unit passed, were at risk, failed (replayed per month end)",
)
async def trend(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    year: YearQuery = None,
) -> Trend:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    clock: Clock = request.app.state.clock
    book: RuleBook = request.app.state.rule_book
    today = clock.today()
    chosen = year if year is not None else today.year
    async with request.app.state.runtime.db.read() as conn:
        loaded = await _unions(conn, unit.path)
    months = []
    for end in _month_ends(chosen, today):
        statuses: Counter[str] = Counter()
        criteria: dict[str, Counter[str]] = {str(c): Counter() for c in (1, 2, 3)}
        for union in loaded:
            judged = _judge(book, union, AsOf(end))
            statuses[judged.status] += 1
            for number, status in enumerate(judged.criteria, start=1):
                criteria[str(number)][status] += 1
        months.append(
            TrendPoint(
                month=f"{end.year:04d}-{end.month:02d}",
                as_of=end,
                status={s: statuses[s] for s in STATUSES},
                criteria={k: {s: v[s] for s in STATUSES} for k, v in criteria.items()},
            )
        )
    return Trend(unit_id=unit_id, year=chosen, unions=len(loaded), months=months)


class EvidenceEvent(BaseModel):
    event_id: str
    kind: str
    unit_id: str
    occurred_on: date
    recorded_at: datetime


class IndicatorEvidence(BaseModel):
    unit_id: str
    as_of: date
    indicator: IndicatorResult
    events: list[EvidenceEvent]


@router.get(
    "/units/{unit_id}/indicators/{indicator_id}",
    summary="One indicator of a union with the events behind it and their dates (the drill-down)",
)
async def indicator_evidence(
    request: Request,
    unit_id: UnitIdPath,
    indicator_id: str,
    principal: CurrentPrincipal,
    as_of: Annotated[EvaluatedDay | None, Query(description="the day (default: today)")] = None,
    known_at: KnownAtQuery = None,
    year: YearQuery = None,
) -> IndicatorEvidence:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    clock: Clock = request.app.state.clock
    book: RuleBook = request.app.state.rule_book
    day = as_of or (local_date(known_at) if known_at else clock.today())
    async with request.app.state.runtime.db.read() as conn:
        union = await load_union(conn, unit.unit_id)
        if union is None:
            raise UnknownItemError(
                f"unit {unit_id!r} is not a grassroots union",
                rule="not_a_union",
                field="unit_id",
                value=unit_id,
                accepted="the id of a grassroots union (Đoàn cơ sở)",
            )
        rules = book.for_path(union.unit.path)
        chosen = year if year is not None else rules.year_of(day, union.view.unit_type)
        result = evaluate(rules, union.view, union.facts, chosen, AsOf(day, known_at))
        found = [i for c in result.criteria for i in c.indicators if i.indicator_id == indicator_id]
        if not found:
            known = ", ".join(i.indicator_id for c in result.criteria for i in c.indicators)
            raise UnknownItemError(
                f"no indicator {indicator_id!r} in the rules of this union",
                rule="unknown_indicator",
                field="indicator_id",
                value=indicator_id,
                accepted=known,
            )
        indicator = found[0]
        wanted = set(indicator.evidence.event_ids)
        by_event = {f.event_id: f for f in union.facts if f.event_id in wanted}
    events = sorted(
        (
            EvidenceEvent(
                event_id=f.event_id,
                kind=f.kind,
                unit_id=f.unit_id,
                occurred_on=f.on,
                recorded_at=f.recorded_at,
            )
            for f in by_event.values()
        ),
        key=lambda e: (e.occurred_on, e.event_id),
    )
    return IndicatorEvidence(unit_id=unit_id, as_of=day, indicator=indicator, events=events)
