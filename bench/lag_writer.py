"""The planning side of the lag benchmark, in a process of its own as in a deployment: planning's
event store (SQLite) and its relay to JetStream, with meetings recorded at a fixed offered rate.

Each meeting is its own command, sent when it is due whether or not earlier ones have committed (as
many users would): the store's group commit gathers those in flight. Prints, as JSON, when each was
committed (``time.monotonic``, the same clock in every process) and the rate achieved.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import UTC, date, datetime

from shared.bus.connection import connect
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.contracts.planning import BranchMeetingHeld, MeetingKind
from shared.events import NewEvent
from shared.store import Database, EventStore, StreamAppend

BRANCHES = 10


def branch_of(i: int, unions: int) -> tuple[str, str]:
    u, b = i % unions, (i // unions) % BRANCHES
    return f"u{u}", f"u{u}-{b}"


async def write(store_url: str, nats_url: str, rate: int, count: int, unions: int) -> dict[str, object]:
    store = EventStore(Database(store_url), "planning")
    await store.initialise()
    client = await connect(nats_url, name="bench-lag-writer")
    relay = Relay(
        store.db,
        client.jetstream(publish_async_max_pending=4000),
        "planning",
        keys=fixed_keys("planning"),
        wake=store.appended,
    )
    await relay.reconcile()
    relaying = asyncio.create_task(relay.run())
    committed: list[float] = [0.0] * count

    async def record(i: int) -> None:
        union, branch = branch_of(i, unions)
        payload = BranchMeetingHeld(meeting_id=f"lag-{i}", branch_id=branch, held_on=date(2026, 10, 1 + i % 25),
                                    kind=MeetingKind.PERIODIC, present_count=8, expected_count=10)  # fmt: skip
        new = NewEvent(
            f"meeting-lag-{i}", payload, f"vn.p0.{union}.{branch}", datetime(2026, 10, 1, tzinfo=UTC)
        )
        await store.append(StreamAppend(new.stream_id, [new]), actor="bench")
        committed[i] = time.monotonic()

    began = time.monotonic()
    writes: list[asyncio.Task[None]] = []
    for i in range(count):
        delay = began + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        writes.append(asyncio.create_task(record(i)))
    await asyncio.gather(*writes)
    achieved = count / (time.monotonic() - began)
    while relay.published < count:
        await asyncio.sleep(0.01)
    relaying.cancel()
    await asyncio.gather(relaying, return_exceptions=True)
    await client.close()
    await store.db.dispose()
    return {"committed": committed, "achieved": achieved}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.lag_writer")
    parser.add_argument("--store", required=True)
    parser.add_argument("--nats", required=True)
    parser.add_argument("--rate", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--unions", type=int, required=True)
    args = parser.parse_args()
    result = asyncio.run(write(args.store, args.nats, args.rate, args.count, args.unions))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
