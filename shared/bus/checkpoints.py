"""A projection's progress per stream, written in the same transaction as its read model."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import utcnow
from shared.store.schema import projection_checkpoints as table
from shared.store.upsert import upsert


async def load_checkpoint(conn: AsyncConnection, projection: str, stream: str) -> int:
    """The last stream sequence whose effect is in the read model (0: none)."""
    value = (
        await conn.execute(
            select(table.c.sequence).where(table.c.projection == projection, table.c.stream == stream)
        )
    ).scalar()
    return int(value or 0)


async def save_checkpoint(conn: AsyncConnection, projection: str, stream: str, sequence: int) -> None:
    await upsert(
        conn,
        table,
        {"projection": projection, "stream": stream, "sequence": sequence, "updated_at": utcnow()},
        keys=["projection", "stream"],
        replace=["sequence", "updated_at"],
    )


async def reset_checkpoints(conn: AsyncConnection, projection: str) -> None:
    """Forget a projection's progress (before a rebuild from the start)."""
    await conn.execute(table.delete().where(table.c.projection == projection))
