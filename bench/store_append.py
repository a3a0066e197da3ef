"""1. Appending to the event store, SQLite and PostgreSQL: one event per transaction, batches, and
concurrent writers (as HTTP commands arrive), which the store commits together."""

from __future__ import annotations

import asyncio

from bench import peer, report
from bench.infra import postgres_url, sqlite_url
from bench.report import Section
from bench.timing import Figure, rate
from bench.workload import admissions
from shared.events import NewEvent
from shared.store import NO_STREAM, Database, EventStore, StreamAppend

WRITERS = 50


async def _rates(
    url: str, singles: int, batched: int, batch: int, repeats: int
) -> list[tuple[float, list[float]]]:
    db = Database(url)
    store = EventStore(db, "membership")
    await store.initialise()
    offset = 0

    def take(count: int) -> list[NewEvent]:
        nonlocal offset
        events = admissions(count, offset)
        offset += count
        return events

    async def one_by_one() -> int:
        for new in take(singles):
            await store.append(StreamAppend(new.stream_id, [new], NO_STREAM), actor="bench")
        return singles

    async def in_batches() -> int:
        events = take(batched)
        for start in range(0, batched, batch):
            chunk = events[start : start + batch]
            await store.append([StreamAppend(e.stream_id, [e], NO_STREAM) for e in chunk], actor="bench")
        return batched

    async def concurrently() -> int:
        events = take(singles * 2)

        async def writer(share: list[NewEvent]) -> None:
            for new in share:
                await store.append(StreamAppend(new.stream_id, [new], NO_STREAM), actor="bench")

        await asyncio.gather(*(writer(events[i::WRITERS]) for i in range(WRITERS)))
        return len(events)

    try:
        return [
            await rate(one_by_one, repeats),
            await rate(in_batches, repeats),
            await rate(concurrently, repeats),
        ]
    finally:
        await db.dispose()


def _figures(backend: str, measured: list[tuple[float, list[float]]], batch: int) -> list[Figure]:
    names = [
        f"append to {backend}, one event per transaction",
        f"append to {backend}, batches of {batch}",
        f"append to {backend}, {WRITERS} concurrent writers, one event per call",
    ]
    return [
        Figure(name, value, "events/s", runs) for name, (value, runs) in zip(names, measured, strict=True)
    ]


async def run(singles: int, batched: int, batch: int = 500, repeats: int = 3) -> list[Figure]:
    figures: list[Figure] = []
    async with sqlite_url() as url:
        figures += _figures("SQLite", await _rates(url, singles, batched, batch, repeats), batch)
    async with postgres_url() as pg:
        if pg is not None:
            figures += _figures("PostgreSQL", await _rates(pg, singles, batched, batch, repeats), batch)
    return figures


TITLE = "Appends: the event store beside the eventsourcing library, at full durability"

# (singles, batched, repeats): the pipeline's sizes, without its relay and projections.
SIZES = {"tiny": (50, 500, 1), "standard": (2_000, 20_000, 3)}


async def _measure(size: str) -> Section:
    singles, batched, repeats = SIZES[size]
    figures = await run(singles, batched, repeats=repeats)
    async with postgres_url() as pg:
        figures += await asyncio.to_thread(peer.append_figures_for, singles, batched, pg, repeats=repeats)
    by_name = {f.name: f.value for f in figures}
    notes = ["Ratios (same run): ours / eventsourcing's"]
    for backend in ("SQLite", "PostgreSQL"):
        for kind, peer_kind in (
            ("one event per transaction", "one aggregate per save"),
            ("batches of 500", "500 aggregates per save"),
        ):
            mine = by_name.get(f"append to {backend}, {kind}")
            other = by_name.get(f"eventsourcing: append to {backend}, {peer_kind}")
            if mine and other:
                notes.append(f"- append to {backend}, {kind}: {mine / other:.2f}×")
    notes.append(
        "Both at full durability: SQLite in WAL mode with synchronous=FULL (the library's default), "
        "PostgreSQL with its default synchronous_commit."
    )
    return TITLE, figures, notes


def main() -> None:
    report.cli("bench.store_append", SIZES, lambda size: asyncio.run(_measure(size)))


if __name__ == "__main__":
    main()
