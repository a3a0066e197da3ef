"""Our projection of the peer's facts: member counts, fed from JetStream by the consumer base."""

from __future__ import annotations

import statistics
import time

from nats.js import JetStreamContext

from bench.infra import nats, sqlite_url
from bench.relay import drain, fill
from bench.seals import UNSEALED, UnsealedConsumer, UnsealedRelay, seal_cost
from bench.timing import Figure
from bench.workload import MemberCounts, metadata
from shared.bus.consumer import ProjectionConsumer
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.bus.subjects import stream_name
from shared.store import Database, EventStore


async def run(
    js: JetStreamContext,
    count: int,
    view_url: str,
    backend: str,
    batch_size: int = 500,
    *,
    sealed: bool = True,
) -> Figure:
    """The rate of the projection catching up with ``count`` events; ``sealed=False``: seals taken out."""
    async with sqlite_url() as store_url:
        store_db, view_db = Database(store_url), Database(view_url)
        store = EventStore(store_db, "membership")
        await store.initialise()
        await view_db.create_all(metadata)
        relay = (Relay if sealed else UnsealedRelay)(
            store_db, js, "membership", keys=fixed_keys("membership")
        )
        await relay.reconcile()
        await fill(store, count)
        await drain(relay)
        last = (await js.stream_info(stream_name("membership"))).state.last_seq
        consumer = (ProjectionConsumer if sealed else UnsealedConsumer)(
            view_db,
            js,
            MemberCounts(),
            stream_name("membership"),
            service="bench",
            keys=fixed_keys("evaluation"),
            batch_size=batch_size,
        )
        await consumer.start()
        start = time.perf_counter()
        await consumer.catch_up(last)
        elapsed = time.perf_counter() - start
        await store_db.dispose()
        await view_db.dispose()
    return Figure(
        ("" if sealed else UNSEALED)
        + f"chudong: projection of member counts (JetStream → {backend}, consumer base)",
        count / elapsed,
        "events/s",
        [count / elapsed],
        note=f"{count:,} events",
    )


async def with_and_without_seals(count: int, repeats: int) -> tuple[list[Figure], str]:
    """The SQLite projection with seals and without, each run on a fresh server, alternating."""
    runs: dict[bool, list[Figure]] = {True: [], False: []}
    for index in range(repeats):
        for sealed in (True, False) if index % 2 == 0 else (False, True):
            async with nats() as (_, js), sqlite_url() as view:
                runs[sealed].append(await run(js, count, view, "SQLite", sealed=sealed))
    figures = [
        Figure(
            runs[sealed][0].name,
            statistics.median(f.value for f in runs[sealed]),
            "events/s",
            [f.value for f in runs[sealed]],
            note=runs[sealed][0].note,
        )
        for sealed in (True, False)
    ]
    return figures, seal_cost("projection of member counts (SQLite)", figures[0].value, figures[1].value)
