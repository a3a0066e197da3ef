"""The one unit guard: a command names a unit that exists, is active and is of the right level.

Every service checks a named unit here, so the answers agree: an unknown unit is 404 ``unknown_unit``,
a closed one 409 ``unit_closed`` (the unit's state forbids it, as with any other conflict), a unit of
another level 422 ``wrong_level``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from shared.contracts.org import OrgUnit, UnitLevel
from shared.errors import ConflictError, DomainError, NotFoundError


def require_active_unit(
    unit: OrgUnit | None,
    unit_id: str,
    *,
    field: str = "unit_id",
    levels: Collection[UnitLevel] = (),
    known_to: str = "",
) -> OrgUnit:
    """The unit, registered, active, and of one of ``levels`` (any if empty).

    ``known_to``: the service whose copy of the tree was asked, when it is not membership's own.
    """
    if unit is None:
        raise NotFoundError(
            f"unit {unit_id!r} is not registered"
            + (
                f" (or not yet known to {known_to}: its copy of the tree follows membership)"
                if known_to
                else ""
            ),
            rule="unknown_unit",
            field=field,
            value=unit_id,
            accepted="the id of a registered unit",
        )
    if not unit.is_active:
        raise ConflictError(
            f"unit {unit_id!r} is closed: nothing more can be recorded for it",
            rule="unit_closed",
            field=field,
            value=unit_id,
            accepted="an active unit",
        )
    if levels and unit.level not in levels:
        raise DomainError(
            f"unit {unit_id!r} is a {unit.level.value} unit",
            rule="wrong_level",
            field=field,
            value=unit_id,
            accepted=f"a unit of level {' or '.join(sorted(level.value for level in levels))}",
        )
    return unit


def unit_life(unit: OrgUnit) -> str:
    """The days the unit existed, for an answer: "from 2001-03-26" or "from 2001-03-26 to 2024-12-31"."""
    closed = unit.closed_on
    return f"from {unit.opened_on.isoformat()}" + (f" to {closed.isoformat()}" if closed else "")


def require_open_on(unit: OrgUnit, day: date, *, field: str) -> None:
    """422 ``outside_unit_dates`` when ``day`` falls before the unit was founded or after it closed: a
    record there would count nowhere, so it is refused rather than silently ignored."""
    if not unit.open_on(day):
        raise DomainError(
            f"{field} {day.isoformat()} is outside the life of unit {unit.unit_id!r} ({unit_life(unit)})",
            rule="outside_unit_dates",
            field=field,
            value=day.isoformat(),
            accepted=f"a date {unit_life(unit)}",
        )
