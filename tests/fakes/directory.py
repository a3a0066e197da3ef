"""The org tree in memory: seeded directly, or kept from membership's unit events as the projection keeps it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import start_of_day
from shared.contracts.membership import (
    UnitClosed,
    UnitDatesCorrected,
    UnitMoved,
    UnitRegistered,
    UnitRenamed,
)
from shared.contracts.org import OrgUnit, UnitLevel, UnitStatus, UnitType
from shared.events import Envelope
from shared.orgtree import UnitDirectory

REGISTERED_AT = datetime(2020, 1, 1, tzinfo=UTC)
CLOSED_AT = datetime(2026, 6, 30, tzinfo=UTC)
"""When a unit seeded closed closed: 30 June 2026 (in Vietnam too)."""


def org_unit(
    path: str,
    level: UnitLevel,
    *,
    recognising_unit_id: str | None = None,
    status: UnitStatus = UnitStatus.ACTIVE,
) -> OrgUnit:
    """A unit at ``path`` (its id is the path's last part), as a service's copy of the tree holds it:
    founded at :data:`REGISTERED_AT`, and if closed, closed at :data:`CLOSED_AT`."""
    ids = path.split(".")
    return OrgUnit(
        unit_id=ids[-1],
        parent_id=ids[-2] if len(ids) > 1 else None,
        path=path,
        name=f"Đoàn {ids[-1]}",
        level=level,
        unit_type=UnitType.COMMUNE_WARD,
        status=status,
        recognising_unit_id=recognising_unit_id,
        registered_at=REGISTERED_AT,
        closed_at=CLOSED_AT if status is UnitStatus.CLOSED else None,
    )


class InMemoryUnitDirectory(UnitDirectory):
    """The queries of :class:`UnitDirectory` over a dict of units."""

    def __init__(self, units: Sequence[OrgUnit] = ()) -> None:
        self.units: dict[str, OrgUnit] = {}
        for unit in units:
            self.add(unit)

    def add(self, unit: OrgUnit) -> None:
        self.units[unit.unit_id] = unit

    def apply(self, envelopes: Sequence[Envelope]) -> None:
        """What :class:`shared.orgtree.projection.OrgTreeProjection` does with the same events."""
        for event in envelopes:
            payload = event.payload
            if isinstance(payload, UnitRegistered) and payload.unit_id not in self.units:
                self.add(
                    OrgUnit(
                        unit_id=payload.unit_id,
                        parent_id=payload.parent_id,
                        path=event.unit_path,
                        name=payload.name,
                        level=payload.level,
                        unit_type=payload.unit_type,
                        status=UnitStatus.ACTIVE,
                        recognising_unit_id=payload.recognising_unit_id,
                        registered_at=event.occurred_at,
                        closed_at=None,
                    )
                )
            elif isinstance(payload, UnitRenamed):
                self.add(replace(self.units[payload.unit_id], name=payload.name))
            elif isinstance(payload, UnitMoved):
                self._move(payload)
            elif isinstance(payload, UnitClosed):
                closed = replace(
                    self.units[payload.unit_id], status=UnitStatus.CLOSED, closed_at=event.occurred_at
                )
                self.add(closed)
            elif isinstance(payload, UnitDatesCorrected):
                unit = self.units[payload.unit_id]
                closed_at = start_of_day(payload.closed_on) if payload.closed_on and unit.closed_at else None
                self.add(
                    replace(
                        unit,
                        registered_at=start_of_day(payload.established_on),
                        closed_at=closed_at or unit.closed_at,
                    )
                )

    def _move(self, payload: UnitMoved) -> None:
        old_path = self.units[payload.unit_id].path
        new_path = f"{self.units[payload.new_parent_id].path}.{payload.unit_id}"
        for unit in list(self.units.values()):
            if unit.path.startswith(f"{old_path}."):
                self.add(replace(unit, path=new_path + unit.path[len(old_path) :]))
        moved = replace(self.units[payload.unit_id], parent_id=payload.new_parent_id, path=new_path)
        if payload.recognising_unit_id is not None:
            moved = replace(moved, recognising_unit_id=payload.recognising_unit_id)
        self.add(moved)

    async def get(self, unit_id: str, conn: AsyncConnection | None = None) -> OrgUnit | None:
        return self.units.get(unit_id)

    async def below(
        self,
        unit_id: str,
        *,
        level: UnitLevel | None = None,
        include_self: bool = True,
        active_only: bool = False,
    ) -> list[OrgUnit]:
        root = self.units.get(unit_id)
        if root is None:
            return []
        found = [
            unit
            for unit in self.units.values()
            if unit.path.startswith(f"{root.path}.") or (include_self and unit.path == root.path)
        ]
        if level is not None:
            found = [unit for unit in found if unit.level is level]
        if active_only:
            found = [unit for unit in found if unit.is_active]
        return sorted(found, key=lambda unit: unit.path)

    async def children(self, unit_id: str) -> list[OrgUnit]:
        return sorted((u for u in self.units.values() if u.parent_id == unit_id), key=lambda u: u.name)
