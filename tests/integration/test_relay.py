"""The relay from the outbox to a real JetStream server."""

from __future__ import annotations

import asyncio
import json

from nats.js import JetStreamContext

from shared.bus import headers as h
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.bus.subjects import stream_name
from shared.store import Database, EventStore
from shared.store import StreamAppend as Append
from tests.support import cancel, member_event, unit_event, wait_until


async def stream_messages(js: JetStreamContext, stream: str) -> list[tuple[int, str, dict[str, str], bytes]]:
    info = await js.stream_info(stream)
    out = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(stream, seq)
        out.append((seq, msg.subject or "", dict(msg.headers or {}), msg.data or b""))
    return out


async def test_relay_publishes_every_event_once_in_position_order_with_its_id_and_unit_path(
    store: EventStore, js: JetStreamContext
) -> None:
    appended = await store.append(Append("unit-b", [unit_event("b", "a", "vn.a.b")], 0), actor="t")
    for i in range(20):
        appended += await store.append(Append(f"member-{i}", [member_event(str(i), "vn.a.b")], 0), actor="t")
    relay = Relay(
        store.db, js, "membership", keys=fixed_keys("membership"), wake=store.appended, batch_size=7
    )
    while await relay.publish_pending():
        pass
    messages = await stream_messages(js, stream_name("membership"))
    assert [m[2][h.MSG_ID] for m in messages] == [str(e.event_id) for e in appended]
    assert [json.loads(m[3])["position"] for m in messages] == list(range(1, 22))
    assert messages[1][1] == "membership.MemberJoined.vn.a.b"
    assert messages[1][3] == appended[1].body()
    assert await store.pending_outbox() == 0


async def test_a_restarted_relay_reconciles_with_the_stream_and_publishes_nothing_twice(
    store: EventStore, js: JetStreamContext
) -> None:
    for i in range(10):
        await store.append(Append(f"member-{i}", [member_event(str(i), "vn.a")], 0), actor="t")
    relay = Relay(store.db, js, "membership", keys=fixed_keys("membership"))
    await relay.reconcile()
    await relay.publish_pending()
    # Put the outbox back as if the relay had died before clearing it.
    async with store.db.transaction() as conn:
        from shared.store.schema import outbox

        await conn.execute(outbox.insert(), [{"position": p} for p in range(1, 11)])
    for i in range(10, 12):
        await store.append(Append(f"member-{i}", [member_event(str(i), "vn.a")], 0), actor="t")
    second = Relay(store.db, js, "membership", keys=fixed_keys("membership"))
    await second.reconcile()
    await second.publish_pending()
    messages = await stream_messages(js, stream_name("membership"))
    assert [json.loads(m[3])["position"] for m in messages] == list(range(1, 13))


async def test_concurrent_writers_on_postgres_are_relayed_without_gap_duplicate_or_reordering(
    postgres_url: str, js: JetStreamContext
) -> None:
    """The Eventuous-222 trap: positions committed out of order must never be skipped by the relay."""
    writers, per_writer = 12, 25
    databases = [Database(postgres_url, pool_size=2) for _ in range(writers)]
    first = EventStore(databases[0], "membership")
    await first.initialise()
    relay_store = EventStore(Database(postgres_url), "membership")
    relay = Relay(
        relay_store.db, js, "membership", keys=fixed_keys("membership"), batch_size=16, idle_wait=0.01
    )
    relay_task = asyncio.create_task(relay.run())

    async def writer(index: int) -> None:
        store = EventStore(databases[index], "membership")
        for n in range(per_writer):
            stream = f"member-w{index}"
            await store.append(Append(stream, [member_event(f"w{index}-{n}", "vn.a")], n), actor=f"w{index}")

    try:
        await asyncio.gather(*(writer(i) for i in range(writers)))
        total = writers * per_writer
        await wait_until(lambda: _published(js, total), timeout=30)
        messages = await stream_messages(js, stream_name("membership"))
        positions = [json.loads(m[3])["position"] for m in messages]
        assert positions == list(range(1, total + 1))
        versions: dict[str, list[int]] = {}
        for _, _, _, body in messages:
            envelope = relay_store.registry.decode(body)
            versions.setdefault(envelope.stream_id, []).append(envelope.stream_version)
        assert all(v == list(range(1, per_writer + 1)) for v in versions.values())
        assert await relay_store.pending_outbox() == 0
    finally:
        await cancel(relay_task)
        for db in [*databases, relay_store.db]:
            await db.dispose()


async def _published(js: JetStreamContext, total: int) -> bool:
    return (await js.stream_info(stream_name("membership"))).state.messages >= total
