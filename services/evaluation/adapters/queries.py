"""Lists and roll-ups of the unions under a unit, from the status and recognition tables and the facts."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.figures import AREA, figures_under
from services.evaluation.adapters.tables import recognition, union_status
from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.domain.rules import RuleSet
from shared.contracts.org import UnitLevel, UnitType
from shared.orgtree import org_units


def _under(column: Any, path: str) -> Any:
    return (column == path) | column.startswith(f"{path}.", autoescape=True)


def _each_unions(book: RuleBook, year_of: Callable[[RuleSet, UnitType], int]) -> ColumnElement[int]:
    """Each union's year by its province's rules and its type, as a column of the org tree."""
    whens: list[tuple[Any, int]] = []
    for province, rules in book.provinces.items():
        inside = org_units.c.path.contains(f".{province}.", autoescape=True) | org_units.c.path.startswith(
            f"{province}.", autoescape=True
        )
        whens += [(inside & (org_units.c.unit_type == t.value), year_of(rules, t)) for t in UnitType]
    whens += [(org_units.c.unit_type == t.value, year_of(book.default, t)) for t in UnitType]
    return case(*whens, else_=year_of(book.default, UnitType.OTHER))


@dataclass(frozen=True, slots=True)
class Years:
    """The year of each union a list shows: of its status, and of its recognition stage."""

    status: ColumnElement[int]
    recognition: ColumnElement[int]

    @classmethod
    def of(cls, year: int) -> Years:
        """One year for every union, as asked for."""
        return cls(literal(year), literal(year))

    @classmethod
    def current(cls, book: RuleBook, today: date) -> Years:
        """Each union's own: the evaluation year today falls in (a school's began in September) and the
        year whose recognition is in progress today (last year's, in the first months of a year), as the
        union's page shows them."""
        return cls(
            _each_unions(book, lambda rules, t: rules.year_of(today, t)),
            _each_unions(book, lambda rules, t: rules.recognition_year(today, t)),
        )


async def unions_under(
    conn: AsyncConnection,
    path: str,
    years: Years,
    *,
    status: str | None = None,
    criterion: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """The grassroots unions at or under ``path`` with their last evaluated status and recognition stage."""
    status_join = and_(union_status.c.unit_id == org_units.c.unit_id, union_status.c.year == years.status)
    recognition_join = and_(
        recognition.c.unit_id == org_units.c.unit_id, recognition.c.year == years.recognition
    )
    query = (
        select(
            years.status.label("year"),
            years.recognition.label("recognition_year"),
            org_units.c.unit_id,
            org_units.c.name,
            org_units.c.path,
            org_units.c.unit_type,
            org_units.c.status.label("unit_status"),
            union_status.c.status,
            union_status.c.c1,
            union_status.c.c2,
            union_status.c.c3,
            union_status.c.indicators,
            union_status.c.evaluated_on,
            recognition.c.stage,
            recognition.c.decision_number,
        )
        .select_from(org_units.outerjoin(union_status, status_join).outerjoin(recognition, recognition_join))
        .where(_under(org_units.c.path, path), org_units.c.level == UnitLevel.GRASSROOTS.value)
    )
    if status is not None:
        column = union_status.c.status if not criterion else union_status.c[f"c{criterion}"]
        query = query.where(column == status)
    total = (await conn.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await conn.execute(query.order_by(org_units.c.path).limit(limit).offset(offset))
    items = []
    for r in rows:
        m = dict(r._mapping)
        indicators = json.loads(m.pop("indicators") or "{}")
        m["at_risk"] = sorted(k for k, v in indicators.items() if v == "at_risk")
        m["failing"] = sorted(k for k, v in indicators.items() if v == "fail")
        for key in ("status", "c1", "c2", "c3"):
            m[key] = m[key] or "not_assessed"
        m["stage"] = m["stage"] or "unregistered"
        items.append(m)
    return int(total), items


async def rollup(conn: AsyncConnection, path: str, years: Years, start: date, end: date) -> dict[str, Any]:
    """Counts for the unions at or under ``path``: statuses, criteria, the recognition workflow, the sources'
    figures and the youth census."""
    total, items = await unions_under(conn, path, years, limit=1_000_000)
    by_status = Counter(i["status"] for i in items)
    by_stage = Counter(i["stage"] for i in items)
    registered = total - by_stage["unregistered"]
    recognised = by_stage["recognised"]
    branches = (
        await conn.execute(
            select(func.count()).where(
                _under(org_units.c.path, path), org_units.c.level == UnitLevel.BRANCH.value
            )
        )
    ).scalar_one()
    return {
        "unions": total,
        "status": {s: by_status[s] for s in ("pass", "at_risk", "fail", "not_assessed")},
        "criteria": {
            str(c): {
                s: sum(1 for i in items if i[f"c{c}"] == s)
                for s in ("pass", "at_risk", "fail", "not_assessed")
            }
            for c in (1, 2, 3)
        },
        "recognition": {
            "registered": registered,
            "self_assessed": by_stage["self_assessed"]
            + by_stage["appraised"]
            + recognised
            + by_stage["denied"],
            "recognised": recognised,
            "denied": by_stage["denied"],
            "recognised_of_registered": f"{recognised}/{registered}",
            "recognised_share": round(recognised / registered, 4) if registered else 0.0,
        },
        "branches": int(branches),
        **(await figures_under(conn, path, start, end))[AREA],
    }
