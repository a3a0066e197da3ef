"""Registering units in the tree (đăng ký đơn vị)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.membership import UnitRegistered
from shared.contracts.org import ALLOWED_PARENTS, OrgUnit, UnitLevel, UnitType
from shared.errors import ConflictError, DomainError, NotFoundError


@dataclass(frozen=True, slots=True)
class RegisterUnit:
    unit_id: str
    name: str
    level: UnitLevel
    unit_type: UnitType
    parent_id: str
    recognising_unit_id: str | None = None


def register_unit(
    cmd: RegisterUnit, *, existing: OrgUnit | None, parent: OrgUnit | None, recognising: OrgUnit | None
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
    allowed = ALLOWED_PARENTS[cmd.level]
    if parent.level not in allowed:
        raise DomainError(
            f"a {cmd.level.value} unit cannot sit under a {parent.level.value} unit",
            rule="level_under_parent",
            field="level",
            value=cmd.level.value,
            accepted=f"a parent of level {' or '.join(sorted(level.value for level in allowed))}",
        )
    recognising_id: str | None = None
    if cmd.level is UnitLevel.GRASSROOTS:
        recognising_id = cmd.recognising_unit_id or parent.unit_id
        if recognising_id != parent.unit_id and (
            recognising is None or not parent.path.startswith(recognising.path + ".")
        ):
            raise DomainError(
                f"unit {recognising_id!r} is not above {cmd.unit_id!r} and cannot recognise it",
                rule="recognising_unit_not_above",
                field="recognising_unit_id",
                value=recognising_id,
                accepted=f"the id of a unit on the path {parent.path}",
            )
    elif cmd.recognising_unit_id is not None:
        raise DomainError(
            "only a grassroots union has a recognising unit",
            rule="recognising_unit_only_for_grassroots",
            field="recognising_unit_id",
            value=cmd.recognising_unit_id,
            accepted="null for this level",
        )
    return UnitRegistered(
        unit_id=cmd.unit_id,
        name=cmd.name,
        level=cmd.level,
        unit_type=cmd.unit_type,
        parent_id=parent.unit_id,
        recognising_unit_id=recognising_id,
    )
