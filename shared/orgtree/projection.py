"""The ``org_units`` table and the projection that keeps it.

Membership keeps it inline (in the transaction of each append); the other
services keep their own copy through the consumer base, so they validate unit
ids and token scopes without calling membership.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Column, MetaData, String, Table, func, literal, select, update
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
from shared.store.columns import instant, unit_id, unit_path
from shared.store.database import Database

metadata = MetaData()

org_units = Table(
    "org_units",
    metadata,
    unit_id(primary_key=True),
    unit_id("parent_id", nullable=True, index=True),
    unit_path("path", unique=True),
    Column("name", String(300), nullable=False),
    Column("level", String(20), nullable=False),
    Column("unit_type", String(20), nullable=False),
    Column("status", String(10), nullable=False),
    unit_id("recognising_unit_id", nullable=True),
    instant("registered_at"),
    instant("closed_at", nullable=True),
)


class OrgTreeProjection:
    """Keeps ``org_units`` from UnitRegistered, UnitRenamed, UnitMoved, UnitClosed and UnitDatesCorrected.

    ``registered_at`` is when the unit opened (the registration event occurred on its founding day),
    ``closed_at`` when it closed.
    """

    name = "org_tree"
    metadata = metadata
    tables = (org_units,)  # what a rebuild swaps in (shared.runtime.rebuild)

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        payload = event.payload
        if isinstance(payload, UnitRegistered):
            await self._register(conn, payload, event)
        elif isinstance(payload, UnitRenamed):
            await conn.execute(
                update(org_units).where(org_units.c.unit_id == payload.unit_id).values(name=payload.name)
            )
        elif isinstance(payload, UnitMoved):
            await self._move(conn, payload)
        elif isinstance(payload, UnitClosed):
            await conn.execute(
                update(org_units)
                .where(org_units.c.unit_id == payload.unit_id)
                .values(status=UnitStatus.CLOSED.value, closed_at=event.occurred_at)
            )
        elif isinstance(payload, UnitDatesCorrected):
            await self._correct_dates(conn, payload)

    async def apply_all(self, conn: AsyncConnection, events: list[Envelope]) -> None:
        for event in events:
            await self.apply(conn, event)

    async def _register(self, conn: AsyncConnection, payload: UnitRegistered, event: Envelope) -> None:
        exists = (
            await conn.execute(select(org_units.c.unit_id).where(org_units.c.unit_id == payload.unit_id))
        ).first()
        if exists is not None:
            return
        await conn.execute(
            org_units.insert().values(
                unit_id=payload.unit_id,
                parent_id=payload.parent_id,
                path=event.unit_path,
                name=payload.name,
                level=payload.level.value,
                unit_type=payload.unit_type.value,
                status=UnitStatus.ACTIVE.value,
                recognising_unit_id=payload.recognising_unit_id,
                registered_at=event.occurred_at,
                closed_at=None,
            )
        )

    async def _correct_dates(self, conn: AsyncConnection, payload: UnitDatesCorrected) -> None:
        """The unit opened (and, if it is closed, closed) on the corrected days."""
        unit = org_units.c.unit_id == payload.unit_id
        await conn.execute(
            update(org_units).where(unit).values(registered_at=start_of_day(payload.established_on))
        )
        if payload.closed_on is not None:
            closed = unit & (org_units.c.status == UnitStatus.CLOSED.value)
            await conn.execute(
                update(org_units).where(closed).values(closed_at=start_of_day(payload.closed_on))
            )

    async def _move(self, conn: AsyncConnection, payload: UnitMoved) -> None:
        old_path = (
            await conn.execute(select(org_units.c.path).where(org_units.c.unit_id == payload.unit_id))
        ).scalar()
        parent_path = (
            await conn.execute(select(org_units.c.path).where(org_units.c.unit_id == payload.new_parent_id))
        ).scalar()
        if old_path is None or parent_path is None:
            return
        new_path = f"{parent_path}.{payload.unit_id}"
        values: dict[str, object] = {"parent_id": payload.new_parent_id, "path": new_path}
        if payload.recognising_unit_id is not None:
            values["recognising_unit_id"] = payload.recognising_unit_id
        await conn.execute(update(org_units).where(org_units.c.unit_id == payload.unit_id).values(**values))
        await conn.execute(
            update(org_units)
            .where(org_units.c.path.startswith(f"{old_path}.", autoescape=True))
            .values(path=literal(new_path) + func.substr(org_units.c.path, len(old_path) + 1))
        )


def row_to_unit(row: object) -> OrgUnit:
    """A unit from its ``org_units`` row; times are UTC (SQLite gives them back naive)."""
    m = row._mapping  # type: ignore[attr-defined]
    return OrgUnit(
        unit_id=m["unit_id"],
        parent_id=m["parent_id"],
        path=m["path"],
        name=m["name"],
        level=UnitLevel(m["level"]),
        unit_type=UnitType(m["unit_type"]),
        status=UnitStatus(m["status"]),
        recognising_unit_id=m["recognising_unit_id"],
        registered_at=_utc(m["registered_at"]),
        closed_at=_utc(m["closed_at"]) if m["closed_at"] is not None else None,
    )


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class UnitDirectory:
    """Queries of the org tree held in one service's database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, unit_id: str, conn: AsyncConnection | None = None) -> OrgUnit | None:
        query = select(org_units).where(org_units.c.unit_id == unit_id)
        if conn is not None:
            row = (await conn.execute(query)).first()
        else:
            async with self.db.read() as own:
                row = (await own.execute(query)).first()
        return row_to_unit(row) if row is not None else None

    async def many(self, unit_ids: Iterable[str]) -> dict[str, OrgUnit]:
        """The units of ``unit_ids`` that exist, by id (one query per 500 ids)."""
        wanted = sorted(set(unit_ids))
        found: dict[str, OrgUnit] = {}
        async with self.db.read() as conn:
            for start in range(0, len(wanted), 500):
                query = select(org_units).where(org_units.c.unit_id.in_(wanted[start : start + 500]))
                found.update((u.unit_id, u) for u in map(row_to_unit, (await conn.execute(query)).all()))
        return found

    async def path_of(self, unit_id: str) -> str | None:
        unit = await self.get(unit_id)
        return unit.path if unit is not None else None

    async def below(
        self,
        unit_id: str,
        *,
        level: UnitLevel | None = None,
        include_self: bool = True,
        active_only: bool = False,
    ) -> list[OrgUnit]:
        """The unit and every unit under it (optionally of one level), ordered by path."""
        root = await self.get(unit_id)
        if root is None:
            return []
        under = org_units.c.path.startswith(f"{root.path}.", autoescape=True)
        query = select(org_units).where(under | (org_units.c.path == root.path) if include_self else under)
        if level is not None:
            query = query.where(org_units.c.level == level.value)
        if active_only:
            query = query.where(org_units.c.status == UnitStatus.ACTIVE.value)
        async with self.db.read() as conn:
            rows = (await conn.execute(query.order_by(org_units.c.path))).all()
        return [row_to_unit(r) for r in rows]

    async def children(self, unit_id: str) -> list[OrgUnit]:
        async with self.db.read() as conn:
            rows = (
                await conn.execute(
                    select(org_units).where(org_units.c.parent_id == unit_id).order_by(org_units.c.name)
                )
            ).all()
        return [row_to_unit(r) for r in rows]
