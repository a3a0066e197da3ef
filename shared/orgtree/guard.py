"""The one unit guard: a command names a unit that exists, is active and is of the right level.

Every service checks a named unit here, so the answers agree: an unknown unit is 404 ``unknown_unit``,
a closed one 409 ``unit_closed`` (the unit's state forbids it, as with any other conflict), a unit of
another level 422 ``wrong_level``.
"""

from __future__ import annotations

from collections.abc import Collection

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
