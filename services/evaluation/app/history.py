"""Compliance of every union under a unit on past days: each union judged as of a day, counted by month.

Replayed from the facts (what happened by the day, or what was known at an instant), never the stored
live status, so a page "as of 31/03" shows what the rules said on 31/03.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.evaluation.adapters.unions import LoadedUnion
from services.evaluation.app.compliance import judge
from services.evaluation.domain.evaluate import AsOf
from services.evaluation.domain.rulebook import RuleBook

STATUSES = ("pass", "at_risk", "fail", "not_assessed")
CRITERIA = (1, 2, 3)


@dataclass(frozen=True, slots=True)
class Judged:
    """A union's status on a day: overall, per criterion, and the indicators at risk or failing."""

    status: str
    criteria: tuple[str, str, str]
    at_risk: list[str]
    failing: list[str]


def judged_on(book: RuleBook, union: LoadedUnion, as_of: AsOf) -> Judged:
    result = judge(book, union, as_of)
    by_criterion = {c.criterion: c.status.value for c in result.criteria}
    indicators = [i for c in result.criteria for i in c.indicators]
    c1, c2, c3 = (by_criterion.get(c, "not_assessed") for c in CRITERIA)
    return Judged(
        result.status.value,
        (c1, c2, c3),
        sorted(i.indicator_id for i in indicators if i.status.value == "at_risk"),
        sorted(i.indicator_id for i in indicators if i.status.value == "fail"),
    )


def month_ends(year: int, today: date) -> list[date]:
    """The last day of each month of ``year`` begun by ``today`` (today for the current month)."""
    ends = []
    for month in range(1, 13):
        end = date(year, month, calendar.monthrange(year, month)[1])
        if date(year, month, 1) > today:
            break
        ends.append(min(end, today))
    return ends


@dataclass(frozen=True, slots=True)
class Tally:
    """How many unions had each status, overall and per criterion (keyed "1", "2", "3")."""

    status: dict[str, int]
    criteria: dict[str, dict[str, int]]


def tally(book: RuleBook, unions: Sequence[LoadedUnion], as_of: AsOf) -> Tally:
    statuses: Counter[str] = Counter()
    criteria: dict[str, Counter[str]] = {str(c): Counter() for c in CRITERIA}
    for union in unions:
        judged = judged_on(book, union, as_of)
        statuses[judged.status] += 1
        for number, status in enumerate(judged.criteria, start=1):
            criteria[str(number)][status] += 1
    return Tally(
        {s: statuses[s] for s in STATUSES}, {k: {s: v[s] for s in STATUSES} for k, v in criteria.items()}
    )
