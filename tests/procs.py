"""Processes the fault tests start and kill: ``python -m tests.procs relay|consumer …``."""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

import shared.contracts  # noqa: F401
from shared.bus.connection import connect
from shared.bus.consumer import ProjectionConsumer
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.bus.subjects import stream_name
from shared.events import Envelope
from shared.store import Database
from tests.projections import RecordingProjection, metadata


class SlowProjection(RecordingProjection):
    """Takes a while per event, so that a kill lands in the middle of a batch."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        await asyncio.sleep(self.delay)  # the slowness under test: a kill must land mid-batch
        await super().apply(conn, event)


async def run_relay(db_url: str, nats_url: str, die_after_publish: bool) -> None:
    db = Database(db_url)
    nc = await connect(nats_url, name="relay-under-test")

    async def die(positions: Sequence[int]) -> None:
        print(f"published {positions[0]}..{positions[-1]}, dying before marking", flush=True)
        os._exit(137)

    relay = Relay(
        db,
        nc.jetstream(),
        "membership",
        keys=fixed_keys("membership"),
        on_published=die if die_after_publish else None,
    )
    await relay.reconcile()
    while await relay.publish_pending():
        pass
    await nc.close()


async def run_consumer(db_url: str, nats_url: str, delay: float, batch: int) -> None:
    db = Database(db_url)
    await db.create_all(metadata)
    nc = await connect(nats_url, name="consumer-under-test")
    consumer = ProjectionConsumer(
        db,
        nc.jetstream(),
        SlowProjection(delay),
        stream_name("membership"),
        service="tests",
        keys=fixed_keys("evaluation"),
        batch_size=batch,
    )
    await consumer.run()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["relay", "consumer"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--nats", required=True)
    parser.add_argument("--die-after-publish", action="store_true")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    if args.role == "relay":
        asyncio.run(run_relay(args.db, args.nats, args.die_after_publish))
    else:
        asyncio.run(run_consumer(args.db, args.nats, args.delay, args.batch))


if __name__ == "__main__":
    main()
