"""The sources' figures for a unit's area and for each unit directly below it (số liệu tổng hợp).

Party referrals and admissions, admissions of members and "1+1" recruits, branch-months with a meeting,
and the youth census: counted from the facts in one pass, so a page can show every level at once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.tables import facts
from shared.orgtree import org_units

_COUNTED = ("party_referral", "party_admission", "youth_recruited", "member_joined")
AREA = ""
"""The key of the whole area (the unit and everything under it) among the figures."""


def _under(column: Any, path: str) -> Any:
    return (column == path) | column.startswith(f"{path}.", autoescape=True)


@dataclass(slots=True)
class _Tally:
    counts: Counter[str] = field(default_factory=Counter)
    recruiters: set[str] = field(default_factory=set)
    months: set[tuple[str, int, int]] = field(default_factory=set)

    def figures(self) -> dict[str, int]:
        return {
            "party_referrals": self.counts["party_referral"],
            "party_admitted": self.counts["party_admitted"],
            "party_not_admitted": self.counts["party_not_admitted"],
            "members_admitted": self.counts["member_joined"],
            "youth_recruited_1plus1": self.counts["youth_recruited"],
            "members_who_recruited": len(self.recruiters),
            "branch_months_with_meeting": len(self.months),
        }


@dataclass(frozen=True, slots=True)
class _Census:
    """One unit's latest census in the year: when it was taken and its counts by category."""

    as_of: date
    recorded_at: datetime
    event_id: str
    counts: dict[str, int]


def census_of_area(area: str, taken: dict[str, _Census]) -> dict[str, Any]:
    """The census of the area at ``area`` (a unit's path) from each unit's latest census (by path).

    A unit's own census stands for its whole area; a unit without one adds up the units below it that
    have one, so a district that counted its youth and its unions that counted theirs are not added twice.
    """
    inside = sorted(p for p in taken if p == area or p.startswith(f"{area}."))
    chosen: list[str] = []
    for path in inside:  # sorted: an ancestor comes before the units under it
        if not any(path.startswith(f"{above}.") for above in chosen):
            chosen.append(path)
    counts: Counter[str] = Counter()
    for path in chosen:
        counts.update(taken[path].counts)
    latest = max((taken[p].as_of for p in chosen), default=None)
    return {"units": len(chosen), "as_of": latest, "counts": dict(sorted(counts.items()))}


def _keys(path: str, depth: int, below: set[str]) -> list[str]:
    """The area, and the unit directly below it that ``path`` is at or under (if it is one of ``below``)."""
    parts = path.split(".")
    child = parts[depth] if len(parts) > depth else None
    return [AREA, child] if child in below else [AREA]


async def figures_under(
    conn: AsyncConnection, path: str, start: date, end: date, below: Iterable[str] = ()
) -> dict[str, dict[str, Any]]:
    """``{"figures", "census"}`` for the area at ``path`` (key :data:`AREA`) and for each unit in ``below``
    (ids of units directly below it), from the facts dated ``start`` to ``end``."""
    depth, wanted = len(path.split(".")), set(below)
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    join = org_units.c.unit_id == facts.c.unit_id
    in_area = (_under(org_units.c.path, path), facts.c.occurred_on.between(start, end))

    def query(*columns: Any) -> Any:
        return select(org_units.c.path, *columns).select_from(facts.join(org_units, join)).where(*in_area)

    counted = (
        query(facts.c.kind, facts.c.number, func.count())
        .where(facts.c.kind.in_(_COUNTED))
        .group_by(org_units.c.path, facts.c.kind, facts.c.number)
    )
    for unit_path, kind, number, count in await conn.execute(counted):
        name = ("party_admitted" if number else "party_not_admitted") if kind == "party_admission" else kind
        for key in _keys(unit_path, depth, wanted):
            tallies[key].counts[name] += count
    recruiters = query(facts.c.tag).where(facts.c.kind == "youth_recruited").distinct()
    for unit_path, tag in await conn.execute(recruiters):
        for key in _keys(unit_path, depth, wanted):
            tallies[key].recruiters.add(tag)
    meetings = query(facts.c.unit_id, facts.c.occurred_on).where(facts.c.kind == "meeting").distinct()
    for unit_path, unit, day in await conn.execute(meetings):
        for key in _keys(unit_path, depth, wanted):
            tallies[key].months.add((unit, day.year, day.month))

    census: dict[str, _Census] = {}
    rows = query(
        facts.c.subject, facts.c.number, facts.c.occurred_on, facts.c.recorded_at, facts.c.event_id
    ).where(facts.c.kind == "youth_census")
    for unit_path, category, number, as_of, recorded_at, event_id in await conn.execute(rows):
        found = census.get(unit_path)
        if found is not None and found.event_id == event_id:
            found.counts[category] = int(number)
        elif found is None or (as_of, recorded_at, event_id) > (
            found.as_of,
            found.recorded_at,
            found.event_id,
        ):
            census[unit_path] = _Census(as_of, recorded_at, event_id, {category: int(number)})

    answers = {AREA: path, **{unit: f"{path}.{unit}" for unit in wanted}}
    return {
        key: {"figures": tallies[key].figures(), "census": census_of_area(area, census)}
        for key, area in answers.items()
    }
