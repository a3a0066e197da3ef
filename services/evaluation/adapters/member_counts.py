"""Active members per unit, counting the units below it (the walking skeleton's first read model)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.membership import MemberJoined
from shared.events import Envelope
from shared.store.upsert import upsert

metadata = MetaData()

unit_member_counts = Table(
    "unit_member_counts",
    metadata,
    Column("unit_id", String(63), primary_key=True),
    Column("active_members", Integer, nullable=False),
)


class MemberCountProjection:
    """Adds each admitted member to the count of its branch and of every unit above it."""

    name = "member_counts"
    tables = (unit_member_counts,)  # what a rebuild swaps in (shared.runtime.rebuild)

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        if isinstance(event.payload, MemberJoined):
            rows = [{"unit_id": unit_id, "active_members": 1} for unit_id in event.unit_path.split(".")]
            await upsert(conn, unit_member_counts, rows, keys=["unit_id"], add=["active_members"])


async def active_members(conn: AsyncConnection, unit_id: str) -> int:
    value = (
        await conn.execute(
            select(unit_member_counts.c.active_members).where(unit_member_counts.c.unit_id == unit_id)
        )
    ).scalar()
    return int(value or 0)
