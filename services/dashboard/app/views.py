"""What each page shows, fetched from evaluation and notifications with the officer's token, with names
in place of the ids it holds (``app/names.py``).

Pages and exports build from the same functions, so an export holds the figures of the page.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import Request

from services.dashboard.adapters.upstream import Upstream, segment
from services.dashboard.app.names import NameBook, names
from services.dashboard.app.officer import Officer, today
from services.dashboard.domain.events import describe, member_of
from services.dashboard.domain.names import mentioned
from services.dashboard.domain.overview import (
    DistrictCount,
    Query,
    UnionRow,
    count_by_district,
    count_by_status,
    select_rows,
)
from shared.auth import Permission
from shared.errors import DomainError
from shared.http.auth import authorize
from shared.orgtree import OrgUnit, UnitDirectory

PAGE = 1000


def upstream(request: Request) -> Upstream:
    found: Upstream = request.app.state.upstream
    return found


def directory(request: Request) -> UnitDirectory:
    found: UnitDirectory = request.app.state.runtime.directory
    return found


async def unit_in_scope(request: Request, officer: Officer, unit_id: str) -> OrgUnit:
    """The unit, if the officer's token reaches it (else 404, as for a unit that does not exist); evaluation
    checks again."""
    return await authorize(request, officer.principal, Permission.READ, unit_id)


async def breadcrumb(request: Request, officer: Officer, unit: OrgUnit) -> list[OrgUnit]:
    """The units from the officer's own down to ``unit``."""
    scope = await directory(request).path_of(officer.unit_id) or unit.path
    chain = []
    ids = unit.path.split(".")
    start = len(scope.split(".")) - 1
    for unit_id in ids[start:]:
        found = await directory(request).get(unit_id)
        if found is not None:
            chain.append(found)
    return chain


@dataclass(slots=True)
class Overview:
    unit: OrgUnit
    year: int
    as_of: date | None
    rows: list[UnionRow]
    shown: list[UnionRow]
    status: dict[str, int]
    districts: list[DistrictCount]
    recognised: int
    registered: int
    total: int
    branches: int
    query: Query
    figures: dict[str, int] = field(default_factory=dict)
    levels: dict[str, Any] = field(default_factory=dict)  # the figures of the area and of each unit below


async def overview(
    request: Request, officer: Officer, unit: OrgUnit, query: Query, as_of: date | None
) -> Overview:
    source = upstream(request)
    year = (as_of or today()).year
    # Live, each union as its own page shows it (its evaluation year, its recognition in progress):
    # evaluation chooses, for the list and the tiles alike. As of a day, that day's calendar year.
    asked = year if as_of is not None else None
    children = {c.unit_id: c.name for c in await directory(request).children(unit.unit_id)}
    items: list[dict[str, Any]] = []
    if as_of is not None:
        answer = await source.evaluation_get(
            f"/units/{unit.unit_id}/unions/as-of", officer.token, as_of=as_of.isoformat()
        )
        items = answer["items"]
    else:
        offset = 0
        while True:
            answer = await source.evaluation_get(
                f"/units/{unit.unit_id}/unions", officer.token, limit=PAGE, offset=offset
            )
            items += answer["items"]
            offset += PAGE
            if offset >= answer["total"]:
                break
    rollup = await source.evaluation_get(
        f"/units/{unit.unit_id}/rollup", officer.token, year=asked, children="false"
    )
    levels = await source.evaluation_get(f"/units/{unit.unit_id}/figures", officer.token, year=year)
    rows = [UnionRow.from_api(i, children, unit.path) for i in items]
    recognition = rollup["recognition"]
    return Overview(
        unit=unit,
        year=year,
        as_of=as_of,
        rows=rows,
        shown=select_rows(rows, query),
        status=count_by_status(rows),
        districts=count_by_district(rows),
        recognised=int(recognition["recognised"]),
        registered=int(recognition["registered"]),
        total=len(rows),
        branches=int(rollup["branches"]),
        query=query,
        figures=rollup.get("figures", {}),
        levels=levels,
    )


@dataclass(slots=True)
class UnionPage:
    unit: OrgUnit
    year: int
    as_of: date | None
    compliance: dict[str, Any]
    recognition: dict[str, Any] | None
    # Each criterion's status for the year being appraised (the page's own year, or last year's while
    # its recognition is still in progress in the first months of a year).
    appraised_year_criteria: dict[int, str] = field(default_factory=dict)
    names: NameBook = field(default_factory=NameBook)


def _criteria(compliance: dict[str, Any]) -> dict[int, str]:
    return {int(c["criterion"]): str(c["status"]) for c in compliance["criteria"]}


async def union_page(request: Request, officer: Officer, unit: OrgUnit, as_of: date | None) -> UnionPage:
    source = upstream(request)
    compliance = await source.evaluation_get(
        f"/units/{unit.unit_id}/compliance", officer.token, as_of=as_of.isoformat() if as_of else None
    )
    recognition = None
    with contextlib.suppress(DomainError):
        # The recognition in progress, as the overview lists it (evaluation chooses the year).
        recognition = await source.evaluation_get(f"/units/{unit.unit_id}/recognition", officer.token)
    criteria = _criteria(compliance)
    if recognition is not None and recognition["year"] != compliance["year"]:
        earlier = await source.evaluation_get(
            f"/units/{unit.unit_id}/compliance", officer.token, year=recognition["year"]
        )
        criteria = _criteria(earlier)
    found = mentioned([compliance, recognition])
    found.units |= missing_units(i for c in compliance["criteria"] for i in c["indicators"])
    book = await names(request, officer, units=found.units, members=found.members)
    return UnionPage(unit, int(compliance["year"]), as_of, compliance, recognition, criteria, book)


async def indicator_page(
    request: Request, officer: Officer, unit: OrgUnit, indicator_id: str, as_of: date | None
) -> dict[str, Any]:
    """The drill-down, each event said in words with the names the officer may see."""
    answer: dict[str, Any] = await upstream(request).evaluation_get(
        f"/units/{unit.unit_id}/indicators/{segment(indicator_id)}",
        officer.token,
        as_of=as_of.isoformat() if as_of else None,
    )
    events: list[dict[str, Any]] = answer.get("events", [])
    found = mentioned(answer["indicator"])
    found.units |= missing_units([answer["indicator"]])
    found.units |= {str(e["unit_id"]) for e in events}
    found.members |= {m for m in map(member_of, events) if m}
    book = await names(request, officer, units=found.units, members=found.members)
    for event in events:
        event["description"] = describe(event, book.unit, book.member)
    answer["names"] = book
    return answer


def missing_units(indicators: Iterable[dict[str, Any]]) -> set[str]:
    """The units what is missing names (a branch without its meeting), to show them by name."""
    return {str(m["unit_id"]) for i in indicators for m in i.get("missing", []) if m.get("unit_id")}


async def inbox(request: Request, officer: Officer, unread_only: bool) -> dict[str, Any]:
    """The officer's alerts, each unit by its name."""
    answer: dict[str, Any] = await upstream(request).notifications_get(
        "/inbox", officer.token, unread_only=str(unread_only).lower(), limit=100
    )
    found = mentioned(answer["items"])
    found.units |= {str(a["unit_id"]) for a in answer["items"] if a.get("unit_id")}
    answer["names"] = await names(request, officer, units=found.units, members=found.members)
    return answer


async def advisory_proposals(
    request: Request, officer: Officer, unit: OrgUnit, as_of: date | None, year: int
) -> list[dict[str, Any]]:
    """A union's proposals to the Party committee or government in ``year``, with what became of them."""
    answer = await upstream(request).evaluation_get(
        f"/units/{unit.unit_id}/advisory-proposals",
        officer.token,
        year=year,
        as_of=as_of.isoformat() if as_of else None,
    )
    items: list[dict[str, Any]] = answer["items"]
    return items


async def issuing_unit(request: Request, officer: Officer) -> str:
    """The officer's own unit by name (its id when the tree does not know it)."""
    own = await directory(request).get(officer.unit_id)
    return own.name if own is not None else officer.unit_id
