"""Reading a stream in bulk with an ordered consumer, and a projection caught up that way."""

from __future__ import annotations

import asyncio

from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext

from shared.bus.consumer import stream_sequence
from shared.bus.deadletters import list_dead_letters
from shared.bus.ordered import read_in_order
from shared.bus.relay import Relay
from shared.store import EventStore
from tests.projections import (
    STREAM,
    RecordingProjection,
    append_members,
    applied_positions,
    metadata,
    recording_consumer,
)
from tests.support import wait_until


async def published(store: EventStore, js: JetStreamContext, count: int, path: str = "vn.a") -> None:
    await append_members(store, 0, count, path)

    async def relayed() -> bool:
        return int((await js.stream_info(STREAM)).state.last_seq) >= count

    await wait_until(relayed, timeout=30)


async def sequences(
    js: JetStreamContext, subject: str, after: int, until: int, batch: int
) -> list[list[int]]:
    batches = read_in_order(js, STREAM, subject, after=after, until=until, batch=batch, idle=2.0)
    return [[stream_sequence(m) for m in msgs] async for msgs in batches]


async def test_a_stream_is_read_in_order_in_batches_from_after_to_until(
    store: EventStore, js: JetStreamContext, relay: Relay
) -> None:
    await published(store, js, 40)
    whole = await sequences(js, "membership.>", 0, 40, 7)
    assert [s for b in whole for s in b] == list(range(1, 41))
    assert all(len(b) <= 7 for b in whole)
    part = await sequences(js, "membership.>", 10, 25, 100)
    assert [s for b in part for s in b] == list(range(11, 26))
    assert await sequences(js, "membership.>", 40, 40, 7) == []


async def test_a_filtered_read_stops_when_nothing_is_left_and_an_empty_one_at_once(
    store: EventStore, js: JetStreamContext, relay: Relay
) -> None:
    await published(store, js, 12)
    # Every event is under vn: asking up to a sequence past the last one ends with the last one.
    got = await sequences(js, "membership.*.vn.>", 0, 1_000, 5)
    assert [s for b in got for s in b] == list(range(1, 13))
    began = asyncio.get_running_loop().time()
    assert await sequences(js, "membership.*.vn.zz.>", 0, 12, 5) == []
    assert asyncio.get_running_loop().time() - began < 1.5  # no wait for the idle time


async def test_a_bulk_catch_up_applies_every_event_once_and_leaves_a_poison_one_to_the_dead_letters(
    store: EventStore, js: JetStreamContext, relay: Relay
) -> None:
    await published(store, js, 30)
    events = await store.read_all()
    projection = RecordingProjection(poison={str(events[16].event_id)})
    consumer = recording_consumer(store.db, js, projection, batch_size=8, max_deliver=2, retry_delays=(0.01,))
    await store.db.create_all(metadata)
    try:
        await consumer.catch_up(30, bulk=True)
    finally:
        await consumer.close()
    assert consumer.checkpoint == 30
    async with store.db.read() as conn:
        assert await applied_positions(conn) == [p for p in range(1, 31) if p != 17]
    letters = await list_dead_letters(js)
    assert [(letter.original_sequence, letter.consumer) for letter in letters] == [(17, consumer.name)]


class _UnansweredOnce:
    """A JetStream context whose first consumer deletion goes unanswered, as in a leader election."""

    def __init__(self, js: JetStreamContext) -> None:
        self._js = js
        self.unanswered = 1

    async def delete_consumer(self, stream: str, consumer: str) -> bool:
        if self.unanswered:
            self.unanswered -= 1
            raise NatsTimeoutError
        return await self._js.delete_consumer(stream, consumer)

    def __getattr__(self, name: str) -> object:
        return getattr(self._js, name)


async def test_a_catch_up_tries_again_while_nats_does_not_answer(
    store: EventStore, js: JetStreamContext, relay: Relay
) -> None:
    await published(store, js, 10)
    await store.db.create_all(metadata)
    flaky = _UnansweredOnce(js)
    consumer = recording_consumer(store.db, flaky, RecordingProjection())  # type: ignore[arg-type]
    try:
        await consumer.catch_up(10)
    finally:
        await consumer.close()
    assert flaky.unanswered == 0 and consumer.checkpoint == 10
    async with store.db.read() as conn:
        assert await applied_positions(conn) == list(range(1, 11))
