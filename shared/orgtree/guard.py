"""The one unit guard: a command names a unit that exists, is of the right level, and existed when what
it records happened.

Every service checks a named unit here, so the answers agree: an unknown unit is 404 ``unknown_unit``, a
unit of another level 422 ``wrong_level``. An undated command (rename, move, attach a file) needs an active
unit: a closed one is 409 ``unit_closed`` (the unit's state forbids it, as with any other conflict). A
dated record needs a unit that existed on its date: before the unit was founded or after it closed it is
422 ``outside_unit_dates`` (it would count nowhere), while a closed unit still takes a record dated within
its life (its history, entered later).
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from shared.contracts.org import OrgUnit, UnitLevel
from shared.errors import ConflictError, DomainError, NotFoundError


@dataclass(frozen=True, slots=True)
class Dated:
    """What a record is dated by, as its command names it: a day, a month or a year (the field and its
    value), and the days that spans."""

    field: str
    value: str | int
    first: date
    last: date
    noun: str = "date"

    @classmethod
    def on(cls, field: str, day: date) -> Dated:
        """A record of one day (``held_on``, ``joined_on`` …)."""
        return cls(field, day.isoformat(), day, day)

    @classmethod
    def month(cls, field: str, month: str) -> Dated:
        """A record of a month, ``YYYY-MM`` (dues, monthly tasks): the unit existed on some day of it."""
        year, number = (int(part) for part in month.split("-"))
        last = calendar.monthrange(year, number)[1]
        return cls(field, month, date(year, number, 1), date(year, number, last), "month")

    @classmethod
    def year(cls, field: str, year: int) -> Dated:
        """A record of a year (a plan, a recognition): the unit existed on some day of it."""
        return cls(field, year, date(year, 1, 1), date(year, 12, 31), "year")


def _registered(unit: OrgUnit | None, unit_id: str, field: str, known_to: str) -> OrgUnit:
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
    return unit


def _of_level(unit: OrgUnit, field: str, levels: Collection[UnitLevel]) -> None:
    if levels and unit.level not in levels:
        raise DomainError(
            f"unit {unit.unit_id!r} is a {unit.level.value} unit",
            rule="wrong_level",
            field=field,
            value=unit.unit_id,
            accepted=f"a unit of level {' or '.join(sorted(level.value for level in levels))}",
        )


def require_active_unit(
    unit: OrgUnit | None,
    unit_id: str,
    *,
    field: str = "unit_id",
    levels: Collection[UnitLevel] = (),
    known_to: str = "",
) -> OrgUnit:
    """The unit, registered, active, and of one of ``levels`` (any if empty): for an undated command.

    ``known_to``: the service whose copy of the tree was asked, when it is not membership's own.
    """
    found = _registered(unit, unit_id, field, known_to)
    if not found.is_active:
        raise ConflictError(
            f"unit {unit_id!r} is closed: nothing more can be recorded for it",
            rule="unit_closed",
            field=field,
            value=unit_id,
            accepted="an active unit",
        )
    _of_level(found, field, levels)
    return found


def require_unit_on(
    unit: OrgUnit | None,
    unit_id: str,
    when: Dated,
    *,
    field: str = "unit_id",
    levels: Collection[UnitLevel] = (),
    known_to: str = "",
) -> OrgUnit:
    """The unit, registered, existing when the record is dated (:func:`require_open`, closed or not),
    and of one of ``levels`` (any if empty): for a dated record."""
    found = _registered(unit, unit_id, field, known_to)
    require_open(found, when)
    _of_level(found, field, levels)
    return found


def unit_life(unit: OrgUnit) -> str:
    """The days the unit existed, for an answer: "from 2001-03-26" or "from 2001-03-26 to 2024-12-31"."""
    closed = unit.closed_on
    return f"from {unit.opened_on.isoformat()}" + (f" to {closed.isoformat()}" if closed else "")


def require_open(unit: OrgUnit, when: Dated) -> None:
    """422 ``outside_unit_dates`` when ``when`` falls wholly before the unit was founded or after it
    closed: a record there would count nowhere, so it is refused rather than silently ignored. The answer
    names the field, its value and the unit's dates."""
    if not unit.open_during(when.first, when.last):
        raise DomainError(
            f"{when.field} {when.value} is outside the life of unit {unit.unit_id!r} ({unit_life(unit)})",
            rule="outside_unit_dates",
            field=when.field,
            value=when.value,
            accepted=f"a {when.noun} {unit_life(unit)}",
        )


def require_open_on(unit: OrgUnit, day: date, *, field: str) -> None:
    """:func:`require_open` for a record of one day."""
    require_open(unit, Dated.on(field, day))
