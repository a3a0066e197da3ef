"""Reading a service's history: one stream, or everything after a position."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import func, select

from shared.events import Envelope, EventRegistry
from shared.store.database import Database
from shared.store.schema import chain_head, events, outbox


class HistoryReader:
    """Queries of the ``events`` table, decoded through the registry (old schema versions upcast)."""

    db: Database
    registry: EventRegistry

    async def stream_version(self, stream_id: str) -> int:
        async with self.db.read() as conn:
            value = (
                await conn.execute(
                    select(func.max(events.c.stream_version)).where(events.c.stream_id == stream_id)
                )
            ).scalar()
        return int(value or 0)

    async def read_stream(self, stream_id: str) -> list[Envelope]:
        """Every event of one stream, in version order."""
        query = (
            select(events.c.body, events.c.prev_hash, events.c.hash)
            .where(events.c.stream_id == stream_id)
            .order_by(events.c.stream_version)
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [self.registry.decode(r.body, prev_hash=r.prev_hash, hash=r.hash) for r in rows]

    async def read_all(self, after: int = 0, limit: int = 1000) -> list[Envelope]:
        """Up to ``limit`` events after position ``after``, in position order."""
        query = (
            select(events.c.body, events.c.prev_hash, events.c.hash)
            .where(events.c.position > after)
            .order_by(events.c.position)
            .limit(limit)
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [self.registry.decode(r.body, prev_hash=r.prev_hash, hash=r.hash) for r in rows]

    async def iter_all(self, after: int = 0, batch: int = 5000) -> AsyncIterator[Envelope]:
        """The whole history from ``after``, in position order, read in batches."""
        while True:
            chunk = await self.read_all(after, batch)
            for envelope in chunk:
                yield envelope
            if len(chunk) < batch:
                return
            after = chunk[-1].position

    async def head(self) -> tuple[int, str]:
        """The last position and its hash."""
        async with self.db.read() as conn:
            row = (await conn.execute(select(chain_head.c.position, chain_head.c.hash))).one()
        return int(row.position), str(row.hash)

    async def pending_outbox(self) -> int:
        async with self.db.read() as conn:
            return int((await conn.execute(select(func.count()).select_from(outbox))).scalar_one())
