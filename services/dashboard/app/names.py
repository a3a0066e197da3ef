"""The names a page shows for the ids in its data, looked up once per request.

Units are named from the dashboard's own copy of the org tree, and only within the officer's scope;
members are named by membership's API, called with the officer's token: by name when the token's role
may read personal fields (membership logs the read), else "Đoàn viên #3 của Chi đoàn 2". A member the
scope does not show, or a membership that does not answer, leaves "một đoàn viên".
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from fastapi import Request

from services.dashboard.adapters.upstream import Upstream
from services.dashboard.app.officer import Officer
from services.dashboard.domain.names import A_MEMBER, Name, member_label
from shared.errors import DomainError
from shared.ids import PERSON_ID_PATTERN, path_contains
from shared.orgtree import UnitDirectory

_PERSON = re.compile(PERSON_ID_PATTERN)
BATCH = 200  # member ids per call to membership: a URL of a few kilobytes


@dataclass(slots=True)
class NameBook:
    """Names found so far for this request: a unit's name by id, a member's label by id."""

    units: dict[str, str] = field(default_factory=dict)
    members: dict[str, Name] = field(default_factory=dict)
    asked_units: set[str] = field(default_factory=set)
    asked_members: set[str] = field(default_factory=set)

    def unit(self, unit_id: str) -> str:
        """The unit's name, or its id when it lies outside the scope or is not known."""
        return self.units.get(unit_id, unit_id)

    def member(self, member_id: str) -> Name:
        return self.members.get(member_id, A_MEMBER)

    def lookup(self) -> dict[str, Name]:
        """Every id named, for the messages of the page."""
        return {**self.units, **self.members}


async def names(
    request: Request, officer: Officer, *, units: Iterable[str] = (), members: Iterable[str] = ()
) -> NameBook:
    """The request's name book, with ``units`` and ``members`` named (each looked up once per request)."""
    book: NameBook | None = getattr(request.state, "names", None)
    if book is None:
        book = request.state.names = NameBook()
    await _units(request, officer, book, {u for u in units if u} - book.asked_units)
    wanted = {m for m in members if m and _PERSON.match(m)} - book.asked_members
    await _members(request, officer, book, wanted)
    return book


async def _units(request: Request, officer: Officer, book: NameBook, wanted: set[str]) -> None:
    if not wanted:
        return
    book.asked_units |= wanted
    directory: UnitDirectory = request.app.state.runtime.directory
    scope = await directory.path_of(officer.unit_id)
    found = await directory.many(wanted)
    for unit_id, unit in found.items():
        if scope is not None and path_contains(scope, unit.path):
            book.units[unit_id] = unit.name


async def _members(request: Request, officer: Officer, book: NameBook, wanted: set[str]) -> None:
    if not wanted:
        return
    book.asked_members |= wanted
    upstream: Upstream = request.app.state.upstream
    found: list[dict[str, object]] = []
    ordered = sorted(wanted)
    for start in range(0, len(ordered), BATCH):
        # A page still shows without names: "một đoàn viên" stands in when membership does not answer.
        with contextlib.suppress(DomainError):
            answer = await upstream.membership_get(
                f"/units/{officer.unit_id}/member-names",
                officer.token,
                member_id=ordered[start : start + BATCH],
            )
            found += answer.get("items", [])
    await _units(request, officer, book, {str(m["branch_id"]) for m in found} - book.asked_units)
    for item in found:
        branch = book.unit(str(item["branch_id"]))
        name = item.get("full_name")
        book.members[str(item["member_id"])] = member_label(
            int(str(item.get("number") or 0)), branch, str(name) if name else None
        )
