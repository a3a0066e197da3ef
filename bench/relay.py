"""2. The relay from the outbox to JetStream."""

from __future__ import annotations

import statistics
import time

from nats.js import JetStreamContext

from bench.infra import sqlite_url
from bench.timing import Figure
from bench.workload import admissions
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.store import NO_STREAM, Database, EventStore, StreamAppend


async def fill(store: EventStore, count: int, offset: int = 0, batch: int = 1000) -> None:
    events = admissions(count, offset)
    for start in range(0, count, batch):
        chunk = events[start : start + batch]
        await store.append([StreamAppend(e.stream_id, [e], NO_STREAM) for e in chunk], actor="bench")


async def drain(relay: Relay) -> int:
    published = 0
    while sent := await relay.publish_pending():
        published += sent
    return published


async def run(js: JetStreamContext, count: int, repeats: int = 3) -> list[Figure]:
    """Fill the outbox, then time the relay alone emptying it."""
    rates = []
    async with sqlite_url() as url:
        db = Database(url)
        store = EventStore(db, "membership")
        await store.initialise()
        relay = Relay(db, js, "membership", keys=fixed_keys("membership"), batch_size=1000)
        await relay.reconcile()
        try:
            for run_index in range(repeats):
                await fill(store, count, run_index * count)
                start = time.perf_counter()
                published = await drain(relay)
                rates.append(published / (time.perf_counter() - start))
        finally:
            await db.dispose()
    return [Figure("relay outbox → JetStream (SQLite store)", statistics.median(rates), "events/s", rates)]
