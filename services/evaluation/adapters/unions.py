"""Reading a union, its branches and its facts from evaluation's database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.tables import aware, facts
from services.evaluation.domain.facts import Fact
from services.evaluation.domain.units import BranchView, UnionView
from shared.clock import local_date
from shared.contracts.org import OrgUnit, UnitLevel, UnitType
from shared.orgtree import org_units
from shared.orgtree.projection import row_to_unit

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class LoadedUnion:
    view: UnionView
    unit: OrgUnit
    facts: list[Fact]


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


async def union_of_each(conn: AsyncConnection, unit_ids: Iterable[str]) -> dict[str, str | None]:
    """For each unit, the grassroots union that contains (or is) it; None for a unit in none (or unknown)."""
    ids = sorted(set(unit_ids))
    paths: dict[str, list[str]] = {}
    for chunk in _chunks(ids):
        query = select(org_units.c.unit_id, org_units.c.path).where(org_units.c.unit_id.in_(chunk))
        for unit_id, path in await conn.execute(query):
            paths[unit_id] = path.split(".")
    ancestors = sorted({part for parts in paths.values() for part in parts})
    grassroots: set[str] = set()
    for chunk in _chunks(ancestors):
        rows = await conn.execute(
            select(org_units.c.unit_id).where(
                org_units.c.unit_id.in_(chunk), org_units.c.level == UnitLevel.GRASSROOTS.value
            )
        )
        grassroots.update(r[0] for r in rows)
    return {u: next((p for p in paths.get(u, ()) if p in grassroots), None) for u in ids}


def _fact(row: object) -> Fact:
    m = row._mapping  # type: ignore[attr-defined]
    return Fact(
        fact_id=m["fact_id"],
        kind=m["kind"],
        unit_id=m["unit_id"],
        subject=m["subject"],
        on=m["occurred_on"],
        recorded_at=aware(m["recorded_at"]),
        event_id=m["event_id"],
        number=int(m["number"]),
        total=int(m["total"]),
        tag=m["tag"],
    )


async def facts_of_units(conn: AsyncConnection, unit_ids: list[str]) -> list[Fact]:
    """The facts of the units, and the facts that follow up on their transfers wherever they landed."""
    found: dict[str, Fact] = {}
    for chunk in _chunks(unit_ids):
        for row in await conn.execute(select(facts).where(facts.c.unit_id.in_(chunk))):
            fact = _fact(row)
            found[fact.fact_id] = fact
    transfers = sorted({f.subject for f in found.values() if f.kind == "transfer_requested"})
    for chunk in _chunks(transfers):
        query = select(facts).where(
            facts.c.subject.in_(chunk),
            or_(facts.c.kind == "transfer_accepted", facts.c.kind == "transfer_released"),
        )
        for row in await conn.execute(query):
            fact = _fact(row)
            found[fact.fact_id] = fact
    return list(found.values())


def _opened(unit: OrgUnit) -> date:
    return local_date(aware(unit.registered_at))


def union_view(union: OrgUnit, below: list[OrgUnit]) -> UnionView:
    branches = tuple(
        BranchView(u.unit_id, _opened(u), local_date(aware(u.closed_at)) if u.closed_at else None, u.name)
        for u in below
        if u.level is UnitLevel.BRANCH
    )
    return UnionView(
        union.unit_id, UnitType(union.unit_type), branches, union.name, union.path, _opened(union)
    )


async def subtree(conn: AsyncConnection, unit: OrgUnit) -> list[OrgUnit]:
    """The units below ``unit``, ordered by path (level by level on the parent index, not a path scan)."""
    found: list[OrgUnit] = []
    parents = [unit.unit_id]
    while parents:
        rows = await conn.execute(select(org_units).where(org_units.c.parent_id.in_(parents)))
        level = [row_to_unit(r) for r in rows]
        found += level
        parents = [u.unit_id for u in level if u.level is not UnitLevel.BRANCH]
    return sorted(found, key=lambda u: u.path)


async def get_unit(conn: AsyncConnection, unit_id: str) -> OrgUnit | None:
    row = (await conn.execute(select(org_units).where(org_units.c.unit_id == unit_id))).first()
    return row_to_unit(row) if row is not None else None


async def load_union(conn: AsyncConnection, unit_id: str) -> LoadedUnion | None:
    """A grassroots union with its branches and every fact recorded in it; None if not a union."""
    unit = await get_unit(conn, unit_id)
    if unit is None or unit.level is not UnitLevel.GRASSROOTS:
        return None
    below = await subtree(conn, unit)
    found = await facts_of_units(conn, [unit.unit_id, *(u.unit_id for u in below)])
    return LoadedUnion(union_view(unit, below), unit, found)


async def unions_at_or_under(conn: AsyncConnection, path: str) -> list[LoadedUnion]:
    """Every grassroots union at or under the unit at ``path``, loaded, in path order."""
    query = (
        select(org_units.c.unit_id)
        .where(
            (org_units.c.path == path) | org_units.c.path.startswith(f"{path}.", autoescape=True),
            org_units.c.level == UnitLevel.GRASSROOTS.value,
        )
        .order_by(org_units.c.path)
    )
    loaded = []
    for (unit_id,) in (await conn.execute(query)).all():
        union = await load_union(conn, unit_id)
        if union is not None:
            loaded.append(union)
    return loaded
