"""Caring for and keeping track of the youth (chăm lo, nắm bắt tình hình thanh niên), and dues sent upward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.membership.domain.member import not_before, not_in_future
from shared.contracts import membership as ev
from shared.contracts.org import OrgUnit
from shared.contracts.personal import Sealed
from shared.contracts.text import Line, Note
from shared.errors import ConflictError, DomainError, NotFoundError
from shared.orgtree.guard import Dated, require_open, require_unit_on


class HardshipDetails(BaseModel):
    """The sealed part of a hardship case: who they are and why they need help (sensitive)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    full_name: Line = Field(min_length=1, max_length=200)
    birth_year: int | None = Field(default=None, ge=1950, le=2030)
    ethnicity: Line | None = Field(default=None, max_length=100, description="dân tộc")
    religion: Line | None = Field(default=None, max_length=100, description="tôn giáo")
    health: Note | None = Field(default=None, max_length=500, description="tình trạng sức khỏe")
    circumstances: Note = Field(default="", max_length=2000, description="hoàn cảnh")


@dataclass(frozen=True, slots=True)
class HardshipCase:
    case_id: str
    unit_id: str
    listed_on: date
    closed_on: date | None


def unit_on(unit: OrgUnit | None, unit_id: str, when: Dated) -> OrgUnit:
    """The unit a record is about, existing on the record's date (closed since, or not)."""
    return require_unit_on(unit, unit_id, when)


def _in_life_of_case_unit(unit: OrgUnit | None, when: Dated) -> None:
    """A case's record falls within the life of the case's unit."""
    if unit is not None:
        require_open(unit, when)


def report_youth_situation(
    unit: OrgUnit, *, quarter: str, submitted_on: date, summary: str, already: bool, today: date
) -> ev.YouthSituationReported:
    """A quarter's report upward on the youth in the area (báo cáo tình hình thanh niên)."""
    not_in_future(submitted_on, today, "submitted_on")
    if already:
        raise ConflictError(
            f"unit {unit.unit_id!r} already reported on {quarter}",
            rule="situation_already_reported",
            field="quarter",
            value=quarter,
            accepted="a quarter not yet reported",
        )
    year, q = int(quarter[:4]), int(quarter[-1])
    quarter_start = date(year, 3 * q - 2, 1)
    not_before(submitted_on, quarter_start, "submitted_on", "the start of the quarter")
    return ev.YouthSituationReported(
        unit_id=unit.unit_id, quarter=quarter, submitted_on=submitted_on, summary=summary
    )


def record_census(
    unit: OrgUnit, *, as_of: date, counts: dict[str, int], today: date
) -> ev.YouthCensusRecorded:
    """Counts of the young people in the area by category: never a list of names."""
    not_in_future(as_of, today, "as_of")
    for category, count in counts.items():
        if count < 0:
            raise DomainError(
                f"count {category!r} is negative",
                rule="census_count",
                field=f"counts.{category}",
                value=count,
                accepted="a count of 0 or more",
            )
    if not counts:
        raise DomainError(
            "a census needs counts",
            rule="census_empty",
            field="counts",
            value={},
            accepted="at least one category",
        )
    return ev.YouthCensusRecorded(unit_id=unit.unit_id, as_of=as_of, counts=counts)


def list_hardship_case(
    unit: OrgUnit, *, case_id: str, listed_on: date, sealed: Sealed, exists: bool, today: date
) -> ev.HardshipCaseListed:
    """A young person in hardship is put on the unit's list."""
    not_in_future(listed_on, today, "listed_on")
    if exists:
        raise ConflictError(
            f"case {case_id!r} is already listed",
            rule="case_exists",
            field="case_id",
            value=case_id,
            accepted="a new case id",
        )
    return ev.HardshipCaseListed(case_id=case_id, unit_id=unit.unit_id, listed_on=listed_on, sensitive=sealed)


def _open_case(case: HardshipCase | None, case_id: str) -> HardshipCase:
    if case is None:
        raise NotFoundError(
            f"hardship case {case_id!r} is not known",
            rule="unknown_case",
            field="case_id",
            value=case_id,
            accepted="the id of a listed case",
        )
    if case.closed_on is not None:
        raise ConflictError(
            f"hardship case {case_id!r} was closed on {case.closed_on.isoformat()}",
            rule="case_closed",
            field="case_id",
            value=case_id,
            accepted="an open case",
        )
    return case


def close_hardship_case(
    case: HardshipCase | None,
    case_id: str,
    *,
    unit: OrgUnit | None,
    on: date,
    reason: str,
    today: date,
) -> ev.HardshipCaseClosed:
    """A young person is taken off the list of ``unit`` (the case's), on a day it existed."""
    current = _open_case(case, case_id)
    not_in_future(on, today, "closed_on")
    not_before(on, current.listed_on, "closed_on", "the listing")
    _in_life_of_case_unit(unit, Dated.on("closed_on", on))
    return ev.HardshipCaseClosed(case_id=case_id, unit_id=current.unit_id, closed_on=on, reason=reason)


def record_care_action(
    case: HardshipCase | None,
    case_id: str,
    *,
    unit: OrgUnit | None,
    on: date,
    action: str,
    today: date,
) -> ev.CareActionRecorded:
    """Help given to a young person on the list of ``unit`` (the case's), on a day it existed (hoạt
    động chăm lo)."""
    current = _open_case(case, case_id)
    not_in_future(on, today, "acted_on")
    not_before(on, current.listed_on, "acted_on", "the listing")
    _in_life_of_case_unit(unit, Dated.on("acted_on", on))
    return ev.CareActionRecorded(case_id=case_id, unit_id=current.unit_id, acted_on=on, action=action)


def review_hardship_list(unit: OrgUnit, *, on: date, open_cases: int, today: date) -> ev.HardshipListReviewed:
    not_in_future(on, today, "reviewed_on")
    return ev.HardshipListReviewed(unit_id=unit.unit_id, reviewed_on=on, open_cases=open_cases)


def remit_dues(unit: OrgUnit, *, month: str, amount_vnd: int, already: bool, today: date) -> ev.DuesRemitted:
    """A unit hands its share of a month's dues to the level above (nộp đoàn phí lên cấp trên)."""
    if unit.parent_id is None:
        raise DomainError(
            "the central unit remits to no one", rule="remit_from_root", field="unit_id", value=unit.unit_id
        )
    this_month = f"{today.year:04d}-{today.month:02d}"
    if month > this_month:
        raise DomainError(
            f"month {month} has not begun",
            rule="month_in_future",
            field="month",
            value=month,
            accepted=f"a month up to {this_month}",
        )
    if already:
        raise ConflictError(
            f"unit {unit.unit_id!r} already remitted dues for {month}",
            rule="dues_already_remitted",
            field="month",
            value=month,
            accepted="a month not yet remitted",
        )
    return ev.DuesRemitted(
        unit_id=unit.unit_id, to_unit_id=unit.parent_id, month=month, amount_vnd=amount_vnd
    )
