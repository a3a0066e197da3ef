"""The org tree: registering, renaming, moving and closing units (đăng ký, đổi tên, điều chuyển, giải thể)."""

from __future__ import annotations

from datetime import date

from services.membership.domain.commands import CorrectUnitDates, RegisterUnit
from shared.contracts.membership import (
    BranchRosterReviewed,
    UnitClosed,
    UnitDatesCorrected,
    UnitMoved,
    UnitRegistered,
    UnitRenamed,
)
from shared.contracts.org import ALLOWED_PARENTS, OrgUnit, UnitLevel
from shared.errors import ConflictError, DomainError, NotFoundError
from shared.orgtree.guard import Dated, require_active_unit, require_unit_on


def register_unit(
    cmd: RegisterUnit,
    *,
    existing: OrgUnit | None,
    parent: OrgUnit | None,
    recognising: OrgUnit | None,
    today: date,
) -> UnitRegistered:
    """Decide a unit's registration under its parent.

    A grassroots union is recognised by a unit above it: the one named, else its parent.
    """
    if existing is not None:
        raise ConflictError(
            f"unit {cmd.unit_id!r} is already registered",
            rule="unit_exists",
            field="unit_id",
            value=cmd.unit_id,
            accepted="an id not used by another unit",
        )
    if parent is None:
        raise NotFoundError(
            f"parent unit {cmd.parent_id!r} is not registered",
            rule="unknown_parent",
            field="parent_id",
            value=cmd.parent_id,
            accepted="the id of a registered unit",
        )
    if not parent.is_active:
        raise DomainError(
            f"parent unit {cmd.parent_id!r} is closed",
            rule="parent_closed",
            field="parent_id",
            value=cmd.parent_id,
            accepted="an active unit",
        )
    _fits_under(cmd.level, parent, field="level", value=cmd.level.value)
    recognising_id: str | None = None
    if cmd.level is UnitLevel.GRASSROOTS:
        recognising_id = _recognised_by(cmd.unit_id, parent, cmd.recognising_unit_id, recognising)
    elif cmd.recognising_unit_id is not None:
        raise DomainError(
            "only a grassroots union has a recognising unit",
            rule="recognising_unit_only_for_grassroots",
            field="recognising_unit_id",
            value=cmd.recognising_unit_id,
            accepted="null for this level",
        )
    if cmd.established_on is not None:
        _not_in_future(cmd.established_on, today, field="established_on")
    return UnitRegistered(
        unit_id=cmd.unit_id,
        name=cmd.name,
        level=cmd.level,
        unit_type=cmd.unit_type,
        parent_id=parent.unit_id,
        recognising_unit_id=recognising_id,
        established_on=cmd.established_on,
    )


def _not_in_future(day: date, today: date, *, field: str) -> None:
    if day > today:
        raise DomainError(
            f"{field} {day.isoformat()} is in the future",
            rule="date_in_future",
            field=field,
            value=day.isoformat(),
            accepted=f"a date on or before {today.isoformat()}",
        )


def _fits_under(level: UnitLevel, parent: OrgUnit, *, field: str, value: str) -> None:
    """A unit of ``level`` may sit under ``parent`` (a branch under a union, a union under a district …)."""
    allowed = ALLOWED_PARENTS[level]
    if parent.level not in allowed:
        raise DomainError(
            f"a {level.value} unit cannot sit under a {parent.level.value} unit",
            rule="level_under_parent",
            field=field,
            value=value,
            accepted=f"a parent of level {' or '.join(sorted(each.value for each in allowed))}",
        )


def _recognised_by(unit_id: str, parent: OrgUnit, named_id: str | None, named: OrgUnit | None) -> str:
    """Who recognises a grassroots union under ``parent``: the unit named, which must be above it, else
    its parent."""
    recognising_id = named_id or parent.unit_id
    if recognising_id != parent.unit_id and (named is None or not parent.path.startswith(named.path + ".")):
        raise DomainError(
            f"unit {recognising_id!r} is not above {unit_id!r} and cannot recognise it",
            rule="recognising_unit_not_above",
            field="recognising_unit_id",
            value=recognising_id,
            accepted=f"the id of a unit on the path {parent.path}",
        )
    return recognising_id


def rename_unit(unit: OrgUnit | None, unit_id: str, name: str) -> UnitRenamed:
    """A unit takes a new name (đổi tên)."""
    current = require_active_unit(unit, unit_id)
    if current.name == name:
        raise ConflictError(
            f"unit {unit_id!r} is already named {name!r}",
            rule="same_name",
            field="name",
            value=name,
            accepted="a different name",
        )
    return UnitRenamed(unit_id=unit_id, name=name)


def move_unit(
    unit: OrgUnit | None,
    unit_id: str,
    *,
    new_parent: OrgUnit | None,
    new_parent_id: str,
    recognising: OrgUnit | None,
    recognising_unit_id: str | None,
) -> UnitMoved:
    """A unit moves under another parent with everything below it (e.g. after the 2025 reform)."""
    current = require_active_unit(unit, unit_id)
    parent = require_active_unit(new_parent, new_parent_id, field="new_parent_id")
    if current.parent_id is None:
        raise DomainError(
            "the central unit cannot move", rule="root_cannot_move", field="unit_id", value=unit_id
        )
    if parent.unit_id == current.parent_id:
        raise ConflictError(
            f"unit {unit_id!r} is already under {new_parent_id!r}",
            rule="same_parent",
            field="new_parent_id",
            value=new_parent_id,
            accepted="another parent",
        )
    if parent.path == current.path or parent.path.startswith(current.path + "."):
        raise DomainError(
            f"unit {new_parent_id!r} is {unit_id!r} itself or below it",
            rule="move_under_itself",
            field="new_parent_id",
            value=new_parent_id,
            accepted=f"a unit outside {current.path}",
        )
    _fits_under(current.level, parent, field="new_parent_id", value=new_parent_id)
    new_recognising: str | None = None
    if current.level is UnitLevel.GRASSROOTS:
        new_recognising = _recognised_by(unit_id, parent, recognising_unit_id, recognising)
    return UnitMoved(
        unit_id=unit_id,
        old_parent_id=current.parent_id,
        new_parent_id=parent.unit_id,
        recognising_unit_id=new_recognising,
    )


def close_unit(
    unit: OrgUnit | None,
    unit_id: str,
    *,
    reason: str,
    merged_into: OrgUnit | None,
    merged_into_id: str | None,
    active_units_below: int,
    members_on_rolls: int,
    closed_on: date | None,
    today: date,
) -> UnitClosed:
    """A unit is dissolved or merged (giải thể, sáp nhập) once nothing active is left in it, on
    ``closed_on`` (today when not given): not before it was founded, not in the future."""
    current = require_active_unit(unit, unit_id)
    if closed_on is not None:
        _not_in_future(closed_on, today, field="closed_on")
        _not_before_founding(current, closed_on, field="closed_on")
    if current.parent_id is None:
        raise DomainError(
            "the central unit cannot close", rule="root_cannot_close", field="unit_id", value=unit_id
        )
    if active_units_below or members_on_rolls:
        raise ConflictError(
            f"unit {unit_id!r} still has {active_units_below} active units and {members_on_rolls} members",
            rule="unit_not_empty",
            field="unit_id",
            value=unit_id,
            accepted="a unit whose units are closed or moved and whose members are transferred",
        )
    if merged_into_id is not None:
        target = require_active_unit(merged_into, merged_into_id, field="merged_into")
        if target.level is not current.level or target.unit_id == unit_id:
            raise DomainError(
                f"unit {merged_into_id!r} is not another {current.level.value} unit",
                rule="merge_same_level",
                field="merged_into",
                value=merged_into_id,
                accepted=f"another active {current.level.value} unit",
            )
    return UnitClosed(unit_id=unit_id, reason=reason, merged_into=merged_into_id, closed_on=closed_on)


def _not_before_founding(unit: OrgUnit, day: date, *, field: str, founded: date | None = None) -> None:
    opened = founded or unit.opened_on
    if day < opened:
        raise DomainError(
            f"{field} {day.isoformat()} is before unit {unit.unit_id!r} was founded ({opened.isoformat()})",
            rule="before_unit_founded",
            field=field,
            value=day.isoformat(),
            accepted=f"a date on or after {opened.isoformat()}",
        )


def correct_unit_dates(unit: OrgUnit | None, cmd: CorrectUnitDates, *, today: date) -> UnitDatesCorrected:
    """Correct when a unit was founded and, if it is closed, when it closed (đính chính)."""
    if unit is None:
        raise NotFoundError(
            f"unit {cmd.unit_id!r} is not registered",
            rule="unknown_unit",
            field="unit_id",
            value=cmd.unit_id,
            accepted="the id of a registered unit",
        )
    _not_in_future(cmd.established_on, today, field="established_on")
    if cmd.closed_on is not None and unit.is_active:
        raise DomainError(
            f"unit {cmd.unit_id!r} is not closed: it has no closing day to correct",
            rule="unit_not_closed",
            field="closed_on",
            value=cmd.closed_on.isoformat(),
            accepted="null for an active unit",
        )
    closed = cmd.closed_on or unit.closed_on
    if cmd.closed_on is not None:
        _not_in_future(cmd.closed_on, today, field="closed_on")
    if closed is not None:
        _not_before_founding(unit, closed, field="closed_on", founded=cmd.established_on)
    return UnitDatesCorrected(
        unit_id=cmd.unit_id, established_on=cmd.established_on, closed_on=cmd.closed_on, reason=cmd.reason
    )


def review_roster(
    branch: OrgUnit | None, branch_id: str, *, on: date, today: date, active_members: int
) -> BranchRosterReviewed:
    """A branch reviews its member list (rà soát danh sách đoàn viên), on a day it existed."""
    current = require_unit_on(branch, branch_id, Dated.on("reviewed_on", on), field="branch_id")
    if current.level is not UnitLevel.BRANCH:
        raise DomainError(
            f"unit {branch_id!r} is a {current.level.value}, not a branch",
            rule="roster_review_in_branch",
            field="branch_id",
            value=branch_id,
            accepted="the id of a branch (chi đoàn)",
        )
    _not_in_future(on, today, field="reviewed_on")
    return BranchRosterReviewed(branch_id=branch_id, reviewed_on=on, active_members=active_members)
