"""The sheet Đơn vị: units registered with their founding day, parents first; closures last."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from services.membership.domain.commands import RegisterUnit
from services.membership.domain.member import Member
from services.membership.domain.units import close_unit, register_unit
from services.membership.domain.year_import.draft import Draft
from services.membership.domain.year_import.steps import Phase
from services.membership.domain.year_import.workbook import Row
from shared.auth import Permission
from shared.clock import start_of_day
from shared.contracts.org import OrgUnit, UnitStatus
from shared.errors import DomainError
from shared.ids import path_contains

UNITS = Permission.MANAGE_UNITS


def plan_tree(draft: Draft, rows: Sequence[Row]) -> list[Row]:
    """Register the units not registered yet, each after its parent; check the others agree with what is
    registered. Answers the rows whose unit closes (:func:`plan_closures` sends them last)."""
    by_id: dict[str, Row] = {}
    for row in rows:
        unit_id = row.get("unit_id")
        if unit_id in by_id:
            draft.fail(
                row,
                "unit_id",
                f"unit {unit_id!r} is already in row {by_id[unit_id].number}",
                "each unit once",
            )
        else:
            by_id[unit_id] = row
    closing: list[Row] = []
    pending: dict[str, Row] = {}
    for unit_id, row in by_id.items():
        existing = draft.known.units.get(unit_id)
        if existing is None:
            pending[unit_id] = row
        elif not _agrees(draft, row, existing):
            continue
        elif row.get("closed_on") is not None and existing.is_active:
            closing.append(row)
        else:
            draft.already.append(row)
    while pending:
        ready = [uid for uid, row in pending.items() if row.get("parent_id") not in pending]
        if not ready:
            for row in pending.values():
                draft.fail(
                    row,
                    "parent_id",
                    "the units of these rows are each other's parents",
                    "a parent that is registered, or in a row whose own parent is",
                )
            break
        for unit_id in ready:
            row = pending.pop(unit_id)
            if _register(draft, row) and row.get("closed_on") is not None:
                closing.append(row)
    return closing


def _agrees(draft: Draft, row: Row, existing: OrgUnit) -> bool:
    """A row of a unit already registered must say what is registered (it sends nothing but a closure)."""
    unit_id = existing.unit_id
    if not draft.in_scope(existing):
        draft.fail(row, "unit_id", f"unit {unit_id!r} is registered outside {draft.known.scope.unit_id!r}",
                   f"a unit at or below {draft.known.scope.unit_id!r}")  # fmt: skip
        return False
    agrees = True
    for key, registered in (("parent_id", existing.parent_id), ("level", existing.level)):
        if row.get(key) != registered:
            draft.fail(row, key, f"unit {unit_id!r} is registered with {registered}", f"{registered}")
            agrees = False
    if row.get("established_on") != existing.opened_on:
        founded = existing.opened_on.isoformat()
        draft.fail(
            row,
            "established_on",
            f"unit {unit_id!r} is registered as founded on {founded}",
            f"{founded}, or correct the founding day first (POST /units/{unit_id}/dates, with the reason)",
        )
        agrees = False
    if not existing.is_active and row.get("closed_on") != existing.closed_on:
        closed = existing.closed_on.isoformat() if existing.closed_on else ""
        draft.fail(row, "closed_on", f"unit {unit_id!r} is registered as closed on {closed}", closed)
        agrees = False
    return agrees


def _register(draft: Draft, row: Row) -> bool:
    unit_id, parent_id = row.get("unit_id"), row.get("parent_id")
    parent = draft.now.get(parent_id)
    if parent is None or not draft.in_scope(parent):
        draft.fail(
            row,
            "parent_id",
            f"unit {parent_id!r} is neither registered within {draft.known.scope.unit_id!r} nor in this sheet",
            f"the id of a unit at or below {draft.known.scope.unit_id!r}",
        )
        return False
    recognising_id = row.get("recognising_unit_id")
    cmd = RegisterUnit(
        unit_id=unit_id,
        name=row.get("name"),
        level=row.get("level"),
        unit_type=row.get("unit_type"),
        parent_id=parent_id,
        recognising_unit_id=recognising_id,
        established_on=row.get("established_on"),
    )
    try:
        event = register_unit(
            cmd,
            existing=None,
            parent=parent,
            recognising=draft.now.get(recognising_id) if recognising_id else None,
            today=draft.today,
        )
    except DomainError as exc:
        draft.refused(row, exc)
        return False
    if row.get("closed_on") is not None and not row.get("closure_reason"):
        draft.fail(row, "closure_reason", "required with Ngày giải thể", "why the unit closed")
        return False
    unit = OrgUnit(
        unit_id=unit_id,
        parent_id=parent_id,
        path=f"{parent.path}.{unit_id}",
        name=cmd.name,
        level=cmd.level,
        unit_type=cmd.unit_type,
        status=UnitStatus.ACTIVE,
        recognising_unit_id=event.recognising_unit_id,
        registered_at=start_of_day(row.get("established_on")),
        closed_at=None,
    )
    draft.register(unit, row.get("closed_on"))
    body = {
        "unit_id": unit_id,
        "name": cmd.name,
        "level": cmd.level.value,
        "unit_type": cmd.unit_type.value,
        "parent_id": parent_id,
        "recognising_unit_id": recognising_id,
        "established_on": cmd.established_on,
    }
    draft.send(row, "membership", "POST", "/units", body, command="RegisterUnit", permission=UNITS,
               phase=Phase.UNITS, day=None, already=("unit_exists",))  # fmt: skip
    return True


def plan_closures(draft: Draft, rows: Sequence[Row]) -> None:
    """Close the units that closed, once everything else is recorded: the lowest first, each when nothing
    active is left in it (the members the workbook leaves on its rolls would stop it)."""
    for row in sorted(rows, key=lambda r: -draft.now[r.get("unit_id")].path.count(".")):
        unit = draft.now[row.get("unit_id")]
        below = [
            u for u in draft.now.values() if u.is_active and path_contains(unit.path, u.path) and u != unit
        ]
        on_rolls = 0
        for history in draft.histories.values():
            member = Member.from_history(history)
            branch = draft.now.get(member.branch_id) if member is not None else None
            on_rolls += bool(member and member.is_member and branch and path_contains(unit.path, branch.path))
        reason = row.get("closure_reason")
        if not reason:
            draft.fail(row, "closure_reason", "required with Ngày giải thể", "why the unit closed")
            continue
        try:
            close_unit(
                unit,
                unit.unit_id,
                reason=reason,
                merged_into=None,
                merged_into_id=None,
                active_units_below=len(below),
                members_on_rolls=on_rolls,
                closed_on=row.get("closed_on"),
                today=draft.today,
            )
        except DomainError as exc:
            draft.refused(row, exc, {"reason": "closure_reason"})
            continue
        draft.now[unit.unit_id] = replace(unit, status=UnitStatus.CLOSED)
        body = {"reason": reason, "closed_on": row.get("closed_on")}
        draft.send(row, "membership", "POST", f"/units/{unit.unit_id}/closure", body, command="CloseUnit",
                   permission=UNITS, phase=Phase.CLOSURES, day=None, fields={"reason": "closure_reason"},
                   already=("unit_closed",))  # fmt: skip
