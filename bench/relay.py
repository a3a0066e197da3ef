"""2. The relay from the outbox to JetStream, with seals and, in the same run, without."""

from __future__ import annotations

import statistics
import time
from contextlib import AsyncExitStack

from bench.infra import nats, sqlite_url
from bench.seals import UNSEALED, UnsealedRelay, seal_cost
from bench.timing import Figure
from bench.workload import admissions
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.store import NO_STREAM, Database, EventStore, StreamAppend

NAME = "relay outbox → JetStream (SQLite store)"


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


async def run(count: int, repeats: int = 3) -> tuple[list[Figure], list[str]]:
    """Fill the outbox, then time the relay alone emptying it; sealed and unsealed runs alternate (which goes
    first too).

    Each kind has its own server and store (a sealed relay halts on the unsealed one's messages).
    """
    rates: dict[bool, list[float]] = {True: [], False: []}
    async with AsyncExitStack() as stack:
        relays: dict[bool, tuple[EventStore, Relay]] = {}
        for sealed in (True, False):
            _, js = await stack.enter_async_context(nats())
            db = Database(await stack.enter_async_context(sqlite_url()))
            stack.push_async_callback(db.dispose)
            store = EventStore(db, "membership")
            await store.initialise()
            kind = Relay if sealed else UnsealedRelay
            relay = kind(db, js, "membership", keys=fixed_keys("membership"), batch_size=1000)
            await relay.reconcile()
            relays[sealed] = (store, relay)
        for run_index in range(repeats):
            for sealed in (True, False) if run_index % 2 == 0 else (False, True):
                store, relay = relays[sealed]
                await fill(store, count, run_index * count)
                start = time.perf_counter()
                published = await drain(relay)
                rates[sealed].append(published / (time.perf_counter() - start))
    sealed_rate, unsealed_rate = statistics.median(rates[True]), statistics.median(rates[False])
    figures = [
        Figure(NAME, sealed_rate, "events/s", rates[True]),
        Figure(UNSEALED + NAME, unsealed_rate, "events/s", rates[False]),
    ]
    return figures, [seal_cost("relay (membership: 5 readers, a MAC each)", sealed_rate, unsealed_rate)]
