"""Compliance of every union under a unit on past dates: the overview as of a day, and the monthly trend.

Both replay the facts (what happened by the day, or what was known at an instant), never the stored
live status, so a page "as of 31/03" shows what the rules said on 31/03.
"""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel

from services.evaluation.adapters.unions import unions_at_or_under
from services.evaluation.api.common import Reason, When, clock_of, reasons_of, rule_book
from services.evaluation.app.history import judged_on, month_ends, tally
from services.evaluation.domain.evaluate import AsOf
from shared.auth import Permission
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.params import UnitIdPath, YearQuery

router = APIRouter(tags=["compliance"])


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
    reasons: list[Reason]


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


@router.get(
    "/units/{unit_id}/unions/as-of",
    summary="The grassroots unions at or under a unit with their status on a past day, replayed from the facts",
)
async def unions_as_of(
    request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal, when: When
) -> UnionsOnDay:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    async with request.app.state.runtime.db.read() as conn:
        loaded = await unions_at_or_under(conn, unit.path)
    items = []
    for union in loaded:
        judged = judged_on(rule_book(request), union, when)
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
                reasons=reasons_of(
                    rule_book(request).for_path(union.unit.path), judged.failing, judged.at_risk
                ),
            )
        )
    return UnionsOnDay(unit_id=unit_id, as_of=when.day, known_at=when.known_at, total=len(items), items=items)


@router.get(
    "/units/{unit_id}/trend",
    summary="Month by month: how many unions under a unit passed, were at risk, failed (replayed per month end)",
    description=(
        "Each month's point judges every union at the month's close (today for the current month) on what "
        "was due by then, the same way for monthly, quarterly and annual indicators: on track (pass) while "
        "everything due so far was done, at risk when what is measured now falls short, failed when "
        "something due was missed beyond what the rules allow. A period still open is never a reason for "
        "'not assessed'."
    ),
)
async def trend(
    request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal, year: YearQuery = None
) -> Trend:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    today = clock_of(request).today()
    chosen = year if year is not None else today.year
    async with request.app.state.runtime.db.read() as conn:
        loaded = await unions_at_or_under(conn, unit.path)
    months = []
    for end in month_ends(chosen, today):
        counted = tally(rule_book(request), loaded, AsOf(end, due_so_far=True))
        months.append(
            TrendPoint(
                month=f"{end.year:04d}-{end.month:02d}",
                as_of=end,
                status=counted.status,
                criteria=counted.criteria,
            )
        )
    return Trend(unit_id=unit_id, year=chosen, unions=len(loaded), months=months)
