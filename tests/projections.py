"""Projections used by the consumer tests: they record what they applied, so duplicates show."""

from __future__ import annotations

from typing import Any

from nats.js import JetStreamContext
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.bus.consumer import Projection, ProjectionConsumer
from shared.bus.keys import fixed_keys
from shared.bus.subjects import stream_name
from shared.events import Envelope
from shared.store import Database, EventStore, StreamAppend
from tests.support import member_event

STREAM = stream_name("membership")

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


def recording_consumer(
    db: Database, js: JetStreamContext, projection: Projection, **options: Any
) -> ProjectionConsumer:
    """A consumer of membership's stream for the tests' own service, checking seals as evaluation does."""
    return ProjectionConsumer(
        db, js, projection, STREAM, service="tests", keys=fixed_keys("evaluation"), **options
    )


async def append_members(store: EventStore, start: int, count: int, path: str = "vn.a") -> None:
    """Members ``start`` to ``start + count - 1`` join the branch at ``path``, one append each."""
    for i in range(start, start + count):
        await store.append(StreamAppend(f"member-{i}", [member_event(str(i), path)], 0), actor="t")
