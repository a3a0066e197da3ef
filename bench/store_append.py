"""1. Appending to the event store, SQLite and PostgreSQL: one event per transaction, and batches."""

from __future__ import annotations

from bench.infra import postgres_url, sqlite_url
from bench.timing import Figure, rate
from bench.workload import admissions
from shared.store import NO_STREAM, Database, EventStore, StreamAppend


async def _append_rates(
    url: str, singles: int, batched: int, batch: int, repeats: int
) -> tuple[float, float, list[float], list[float]]:
    db = Database(url)
    store = EventStore(db, "membership")
    await store.initialise()
    offset = 0

    async def one_by_one() -> int:
        nonlocal offset
        for new in admissions(singles, offset):
            await store.append(StreamAppend(new.stream_id, [new], NO_STREAM), actor="bench")
        offset += singles
        return singles

    async def in_batches() -> int:
        nonlocal offset
        events = admissions(batched, offset)
        offset += batched
        for start in range(0, batched, batch):
            chunk = events[start : start + batch]
            await store.append([StreamAppend(e.stream_id, [e], NO_STREAM) for e in chunk], actor="bench")
        return batched

    try:
        single, single_runs = await rate(one_by_one, repeats)
        batched_rate, batch_runs = await rate(in_batches, repeats)
    finally:
        await db.dispose()
    return single, batched_rate, single_runs, batch_runs


async def run(singles: int, batched: int, batch: int = 500, repeats: int = 3) -> list[Figure]:
    figures = []
    async with sqlite_url() as url:
        s, b, sr, br = await _append_rates(url, singles, batched, batch, repeats)
        figures += [
            Figure("append to SQLite, one event per transaction", s, "events/s", sr),
            Figure(f"append to SQLite, batches of {batch}", b, "events/s", br),
        ]
    async with postgres_url() as pg:
        if pg is not None:
            s, b, sr, br = await _append_rates(pg, singles, batched, batch, repeats)
            figures += [
                Figure("append to PostgreSQL, one event per transaction", s, "events/s", sr),
                Figure(f"append to PostgreSQL, batches of {batch}", b, "events/s", br),
            ]
    return figures
