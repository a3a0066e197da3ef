"""Active members per branch, summed over the branches below a unit when asked (the member-count view).

Each member's latest place (branch and status) is kept with the version of their
stream that put them there; a branch's count moves only when a member's latest
place changes, from the place before it to the new one. So events applied in any
order (partitioned replicas each see part of a member's history: a transfer to
another province) give the counts membership's history gives in its own order.
A unit's count is the sum of its branches' counts under the org tree as it is
now, so a branch moved to another union or district takes its members along.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Column, Integer, MetaData, Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.domain.facts import facts_of
from services.evaluation.domain.roster import status_of
from shared.contracts.member_status import STATUS_EVENTS, MemberStatus
from shared.contracts.org import UnitLevel
from shared.events import Envelope
from shared.orgtree import org_units
from shared.store.columns import member_place_columns, unit_id
from shared.store.upsert import upsert

metadata = MetaData()

unit_member_counts = Table(
    "unit_member_counts",
    metadata,
    unit_id(primary_key=True),  # a branch (chi đoàn)
    Column("active_members", Integer, nullable=False),
)

member_places = Table(
    "evaluation_member_places",
    metadata,
    *member_place_columns(),
    Column("version", Integer, nullable=False),  # the member's stream version that put them here
)

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Place:
    branch_id: str
    status: str
    version: int

    @property
    def counted(self) -> bool:
        return self.status == MemberStatus.ACTIVE


class MemberCountProjection:
    """Keeps each member's latest place and the active members of each branch, one write of each per batch."""

    name = "member_counts"
    tables = (unit_member_counts, member_places)  # what a rebuild swaps in (shared.runtime.rebuild)
    event_types = STATUS_EVENTS  # the consumer does not even decode the others

    def __init__(self) -> None:
        self._latest: dict[str, Place] = {}

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        if event.type not in STATUS_EVENTS:
            return
        for fact in facts_of(event):
            step = status_of(fact)
            if step is None:
                continue
            member_id, status = step
            place = Place(fact.unit_id, status.value, event.stream_version)
            known = self._latest.get(member_id)
            if known is None or place.version > known.version:
                self._latest[member_id] = place

    async def flush(self, conn: AsyncConnection) -> None:
        if not self._latest:
            return
        latest, self._latest = self._latest, {}
        ids = sorted(latest)  # one lock order for every writer
        counts: Counter[str] = Counter()
        # Members seen for the first time are inserted as they are; the rest are read (locked, so a
        # replica of another partition changing the same member waits) and moved if this is later.
        new = await _insert_new(conn, [(m, latest[m]) for m in ids])
        for m in new:
            counts[latest[m].branch_id] += latest[m].counted
        known = await _locked_places(conn, [m for m in ids if m not in new])
        moved = []
        for member_id, before in known.items():
            after = latest[member_id]
            if after.version <= before.version:
                continue  # an older event applied after a later one: that one already placed them
            counts[before.branch_id] -= before.counted
            counts[after.branch_id] += after.counted
            moved.append(_row(member_id, after))
        await upsert(
            conn, member_places, moved, keys=["member_id"], replace=["branch_id", "status", "version"]
        )
        rows = [{"unit_id": b, "active_members": n} for b, n in sorted(counts.items()) if n]
        await upsert(conn, unit_member_counts, rows, keys=["unit_id"], add=["active_members"])

    def discard(self) -> None:
        self._latest.clear()


def _row(member_id: str, place: Place) -> dict[str, object]:
    return {
        "member_id": member_id,
        "branch_id": place.branch_id,
        "status": place.status,
        "version": place.version,
    }


async def _insert_new(conn: AsyncConnection, places: list[tuple[str, Place]]) -> set[str]:
    """Insert the members not yet placed; the ids of those inserted."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    inserted: set[str] = set()
    for start in range(0, len(places), _CHUNK):
        rows = [_row(m, p) for m, p in places[start : start + _CHUNK]]
        statement = (
            insert(member_places).values(rows).on_conflict_do_nothing().returning(member_places.c.member_id)
        )
        inserted.update(r[0] for r in await conn.execute(statement))
    return inserted


async def _locked_places(conn: AsyncConnection, member_ids: list[str]) -> dict[str, Place]:
    found: dict[str, Place] = {}
    for start in range(0, len(member_ids), _CHUNK):
        query = (
            select(member_places)
            .where(member_places.c.member_id.in_(member_ids[start : start + _CHUNK]))
            .order_by(member_places.c.member_id)
            .with_for_update()
        )
        for r in await conn.execute(query):
            found[r.member_id] = Place(r.branch_id, r.status, r.version)
    return found


async def active_members(conn: AsyncConnection, path: str) -> int:
    """The active members of the unit at ``path`` and of every unit below it."""
    under = (org_units.c.path == path) | org_units.c.path.startswith(f"{path}.", autoescape=True)
    query = (
        select(func.coalesce(func.sum(unit_member_counts.c.active_members), 0))
        .select_from(unit_member_counts.join(org_units, org_units.c.unit_id == unit_member_counts.c.unit_id))
        .where(under, org_units.c.level == UnitLevel.BRANCH.value)
    )
    return int((await conn.execute(query)).scalar_one())
