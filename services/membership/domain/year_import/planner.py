"""The whole workbook checked at once and turned into the steps that record it, in the order they are sent.

All or nothing: a workbook with any error sends no step. The errors name the sheet, the row and the
column (as the officer's file heads them), the value and what would be accepted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.membership.domain.member import not_in_future
from services.membership.domain.year_import.cells import CellError, Day
from services.membership.domain.year_import.draft import Draft, Known
from services.membership.domain.year_import.people import plan_members, plan_ratings, plan_referrals
from services.membership.domain.year_import.reports import plan_reports
from services.membership.domain.year_import.steps import Step
from services.membership.domain.year_import.tree import plan_closures, plan_tree
from services.membership.domain.year_import.work import (
    plan_activities,
    plan_agreements,
    plan_meetings,
    plan_plans,
    plan_projects,
    plan_proposals,
)
from services.membership.domain.year_import.workbook import SHEETS, Row
from shared.auth import Role, permissions_of
from shared.errors import DomainError

MAY_BE_AHEAD = frozenset({"scheduled_on", "ends_on"})
"""Dates that may lie after today: an activity planned, an agreement's end. Every other date happened."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The steps that record a workbook, or the errors that stop it (then it has no steps)."""

    steps: tuple[Step, ...]
    errors: tuple[CellError, ...]
    rows: Mapping[str, int]
    """Rows read, per sheet (by its title in the source)."""
    already: Mapping[str, int]
    """Rows found already recorded, per sheet: nothing is sent for them."""

    def summary(self) -> dict[str, Any]:
        sent = Counter(step.row.source for step in self.steps)
        return {
            "rows": sum(self.rows.values()),
            "steps": len(self.steps),
            "sheets": [
                {
                    "sheet": sheet,
                    "rows": rows,
                    "steps": sent[sheet],
                    "already_recorded": self.already.get(sheet, 0),
                }
                for sheet, rows in self.rows.items()
            ],
        }


def plan_import(known: Known, rows: Mapping[str, Sequence[Row]]) -> Plan:
    """Check every row of ``rows`` (by sheet key) against ``known`` and the rules; the steps, in order."""
    draft = Draft.of(known)
    of = {sheet.key: list(rows.get(sheet.key, ())) for sheet in SHEETS}
    for row in (r for sheet_rows in of.values() for r in sheet_rows):
        _happened(draft, row)
    closing = plan_tree(draft, of["units"])
    plan_members(draft, of["members"])
    plan_ratings(draft, of["ratings"])
    plan_referrals(draft, of["referrals"])
    plan_meetings(draft, of["meetings"])
    plan_plans(draft, of["plans"])
    plan_activities(draft, of["activities"])
    plan_projects(draft, of["projects"])
    plan_proposals(draft, of["proposals"])
    plan_agreements(draft, of["agreements"], of["joint_activities"])
    plan_reports(draft, of["reports"])
    plan_closures(draft, closing)
    _permitted(draft, known.role)
    errors = _in_order(draft.errors)
    counted = Counter(row.source for sheet_rows in of.values() for row in sheet_rows)
    already = Counter(row.source for row in {id(r): r for r in draft.already}.values())
    steps = () if errors else tuple(sorted(draft.steps, key=Step.order))
    return Plan(steps, tuple(errors), dict(counted), dict(already))


def _happened(draft: Draft, row: Row) -> None:
    """Every date of a record of the past is on or before today."""
    for column in row.sheet.columns:
        day = row.get(column.key)
        if isinstance(column.kind, Day) and day is not None and column.key not in MAY_BE_AHEAD:
            try:
                not_in_future(day, draft.today, column.key)
            except DomainError as exc:
                draft.refused(row, exc)


def _permitted(draft: Draft, role: Role) -> None:
    """Each sheet's steps are commands the caller's role may give: one error per sheet and permission."""
    allowed = permissions_of(role)
    first: dict[tuple[str, str], Step] = {}
    for step in draft.steps:
        if step.permission not in allowed:
            first.setdefault((step.row.source, step.permission.value), step)
    for step in first.values():
        roles = ", ".join(r.value for r in Role if step.permission in permissions_of(r))
        draft.errors.append(
            CellError(
                step.row.source,
                step.row.number,
                "",
                "",
                role.value,
                f"this sheet's rows are recorded with {step.command}, which needs the permission "
                f"{step.permission.value}: the role {role.value} does not have it",
                f"a token of one of the roles: {roles}",
            )
        )


def _in_order(errors: Sequence[CellError]) -> list[CellError]:
    """Each error once, sheet by sheet in the template's order, then by row and column."""
    unique: dict[tuple[str, int, str, str], CellError] = {}
    for error in errors:
        unique.setdefault((error.sheet, error.row, error.column, error.header), error)
    titles = [s.title for s in SHEETS]

    def order(error: CellError) -> tuple[int, int, int, str]:
        place = titles.index(error.sheet) if error.sheet in titles else len(titles)
        return (place, error.row, len(error.column), error.column)

    return sorted(unique.values(), key=order)
