"""Projections used by the consumer tests: they record what they applied, so duplicates show."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events import Envelope

metadata = MetaData()

applied = Table(
    "applied_events",
    metadata,
    Column("row", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),  # not unique: a duplicate effect must be visible
    Column("position", BigInteger, nullable=False),
    Column("stream_id", String(200), nullable=False),
)


class RecordingProjection:
    """Appends a row per applied event; fails on the event ids it is told to."""

    def __init__(
        self,
        name: str = "recording",
        *,
        poison: set[str] | None = None,
        fail_times: dict[str, int] | None = None,
    ) -> None:
        self.name = name
        self.poison = poison or set()
        self.fail_times = dict(fail_times or {})

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        event_id = str(event.event_id)
        if event_id in self.poison:
            raise ValueError(f"cannot apply {event.type} {event_id}")
        if self.fail_times.get(event_id, 0) > 0:
            self.fail_times[event_id] -= 1
            raise RuntimeError(f"transient failure on {event_id}")
        await conn.execute(
            applied.insert().values(event_id=event_id, position=event.position, stream_id=event.stream_id)
        )


async def applied_positions(conn: AsyncConnection) -> list[int]:
    return [int(r[0]) for r in await conn.execute(select(applied.c.position).order_by(applied.c.row))]
