"""The overview of a unit's grassroots unions: filtering, searching, sorting and counting, without I/O."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.dashboard.domain.text import fold

STATUSES = ("pass", "at_risk", "fail", "not_assessed")
SORTS = ("name", "status", "c1", "c2", "c3", "district", "stage")
_RANK = {"fail": 0, "at_risk": 1, "not_assessed": 2, "pass": 3}


@dataclass(frozen=True, slots=True)
class UnionRow:
    """One grassroots union (Đoàn cơ sở) as the overview shows it."""

    unit_id: str
    name: str
    path: str
    district_id: str
    district_name: str
    status: str
    c1: str
    c2: str
    c3: str
    at_risk: tuple[str, ...] = ()
    failing: tuple[str, ...] = ()
    stage: str = ""
    folded: str = ""
    reasons: tuple[dict[str, Any], ...] = ()  # the failing, then the at-risk indicators, with their names
    evaluated_on: date | None = None

    @classmethod
    def from_api(cls, item: dict[str, Any], districts: dict[str, str], own_path: str) -> UnionRow:
        """A row from evaluation's list item; its district is the unit directly below ``own_path``."""
        parts = str(item["path"]).split(".")
        depth = len(own_path.split("."))
        district_id = parts[depth] if len(parts) > depth + 1 else ""
        return cls(
            unit_id=item["unit_id"],
            name=item["name"],
            path=item["path"],
            district_id=district_id,
            district_name=districts.get(district_id, district_id),
            status=item["status"],
            c1=item["c1"],
            c2=item["c2"],
            c3=item["c3"],
            at_risk=tuple(item.get("at_risk", ())),
            failing=tuple(item.get("failing", ())),
            stage=item.get("stage", "") or "",
            folded=fold(item["name"]),
            reasons=tuple(item.get("reasons", ())),
            evaluated_on=date.fromisoformat(item["evaluated_on"]) if item.get("evaluated_on") else None,
        )


@dataclass(frozen=True, slots=True)
class Query:
    """What the officer asked for: a search text, filters and an order."""

    q: str = ""
    status: str = ""
    criterion: int = 0
    district: str = ""
    sort: str = "status"
    descending: bool = False


@dataclass(slots=True)
class DistrictCount:
    unit_id: str
    name: str
    total: int = 0
    status: Counter[str] = field(default_factory=Counter)


def select_rows(rows: list[UnionRow], query: Query) -> list[UnionRow]:
    """The rows that match ``query``, in its order; the search ignores case and diacritics."""
    needle = fold(query.q.strip())
    chosen = [
        r
        for r in rows
        if (not needle or needle in r.folded or needle in r.unit_id)
        and (not query.district or r.district_id == query.district)
        and (not query.status or _status(r, query.criterion) == query.status)
    ]
    key = query.sort if query.sort in SORTS else "status"

    def order(r: UnionRow) -> tuple[Any, ...]:
        if key == "name":
            return (r.folded,)
        if key == "district":
            return (fold(r.district_name), r.folded)
        if key == "stage":
            return (r.stage, r.folded)
        value = r.status if key == "status" else getattr(r, key)
        return (_RANK.get(value, 9), r.folded)

    return sorted(chosen, key=order, reverse=query.descending)


def _status(row: UnionRow, criterion: int) -> str:
    return row.status if not criterion else str(getattr(row, f"c{criterion}"))


def count_by_status(rows: list[UnionRow]) -> dict[str, int]:
    counted = Counter(r.status for r in rows)
    return {s: counted[s] for s in STATUSES}


def count_by_district(rows: list[UnionRow]) -> list[DistrictCount]:
    """Counts per unit directly below (district, Đoàn trực thuộc), in name order."""
    counts: dict[str, DistrictCount] = {}
    for r in rows:
        entry = counts.setdefault(r.district_id, DistrictCount(r.district_id, r.district_name))
        entry.total += 1
        entry.status[r.status] += 1
    return sorted(counts.values(), key=lambda d: fold(d.name))
