"""Killed processes: a relay between publishing and marking, a consumer in the middle of a batch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nats.js import JetStreamContext
from sqlalchemy import func, select

from chudong.nats.server import EmbeddedNats
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.store import Database, EventStore
from shared.store import StreamAppend as Append
from shared.store.schema import outbox
from tests.projections import (
    STREAM,
    RecordingProjection,
    applied,
    applied_positions,
    metadata,
    recording_consumer,
)
from tests.support import member_event, running, wait_until

ROOT = Path(__file__).resolve().parents[2]


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.procs", *args],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


async def fill(store: EventStore, count: int) -> None:
    batch = [Append(f"member-{i}", [member_event(str(i), "vn.a")], 0) for i in range(count)]
    for start_at in range(0, count, 100):
        await store.append(batch[start_at : start_at + 100], actor="t")


async def consume_all(
    db: Database, js: JetStreamContext, projection: RecordingProjection, total: int
) -> None:
    await db.create_all(metadata)
    consumer = recording_consumer(db, js, projection, batch_size=100)
    async with running(consumer.run()):
        await consumer.wait_for(total, timeout=30)


async def test_a_relay_killed_between_publishing_and_marking_causes_no_duplicate_effect(
    database_url: str, store: EventStore, js: JetStreamContext, nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    await fill(store, 250)
    killed = start("relay", "--db", database_url, "--nats", nats_server.url, "--die-after-publish")
    assert killed.wait(60) == 137, killed.stdout.read() if killed.stdout else ""
    async with store.db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(outbox))).scalar_one() == 250
    assert (await js.stream_info(STREAM)).state.messages > 0

    restarted = Relay(store.db, js, "membership", keys=fixed_keys("membership"))
    await restarted.reconcile()
    while await restarted.publish_pending():
        pass
    assert (await js.stream_info(STREAM)).state.messages == 250
    read_model = Database(f"sqlite+aiosqlite:///{tmp_path / 'read.db'}")
    try:
        await consume_all(read_model, js, RecordingProjection(), 250)
        async with read_model.read() as conn:
            assert await applied_positions(conn) == list(range(1, 251))
    finally:
        await read_model.dispose()


async def test_a_consumer_killed_mid_batch_resumes_to_a_read_model_equal_to_a_rebuild(
    store: EventStore, js: JetStreamContext, nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    await fill(store, 400)
    relay = Relay(store.db, js, "membership", keys=fixed_keys("membership"))
    await relay.reconcile()
    while await relay.publish_pending():
        pass
    live_url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    live = Database(live_url)
    await live.create_all(metadata)
    victim = start(
        "consumer", "--db", live_url, "--nats", nats_server.url, "--delay", "0.004", "--batch", "60"
    )

    async def rows() -> int:
        async with live.read() as conn:
            return int((await conn.execute(select(func.count()).select_from(applied))).scalar_one())

    try:
        await wait_until(lambda: _at_least(rows, 100), timeout=60)
    finally:
        victim.kill()
        victim.wait()
    assert await rows() < 400, "the consumer finished before it could be killed"

    await consume_all(live, js, RecordingProjection(), 400)
    rebuilt = Database(f"sqlite+aiosqlite:///{tmp_path / 'rebuilt.db'}")
    try:
        await consume_all(rebuilt, js, RecordingProjection(name="rebuild"), 400)
        async with live.read() as a, rebuilt.read() as b:
            live_rows = [
                (r.event_id, r.position) for r in await a.execute(select(applied).order_by(applied.c.row))
            ]
            rebuilt_rows = [
                (r.event_id, r.position) for r in await b.execute(select(applied).order_by(applied.c.row))
            ]
        assert live_rows == rebuilt_rows and len(live_rows) == 400
    finally:
        await live.dispose()
        await rebuilt.dispose()


async def _at_least(count: object, n: int) -> bool:
    return await count() >= n  # type: ignore[operator, no-any-return]
