"""The consumer base against a real JetStream server: order, exactly-once effect, dead letters."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from nats.js import JetStreamContext

from shared.bus.consumer import ProjectionConsumer, stream_sequence
from shared.bus.deadletters import list_dead_letters, replay_dead_letters
from shared.bus.ordered import position
from shared.bus.relay import Relay
from shared.events import Envelope
from shared.logging import correlation, current_correlation_id
from shared.store import EventStore
from shared.store import StreamAppend as Append
from tests.projections import (
    STREAM,
    RecordingProjection,
    append_members,
    applied_positions,
    metadata,
    recording_consumer,
)
from tests.support import running, unit_event, wait_until


@contextlib.asynccontextmanager
async def consuming(consumer: ProjectionConsumer) -> AsyncIterator[None]:
    """``consumer`` runs, its projection's table made, while the block runs."""
    await consumer.db.create_all(metadata)
    async with running(consumer.run()):
        yield


async def test_events_arriving_while_the_consumer_runs_are_applied_once_each_in_order(
    store: EventStore, js: JetStreamContext, relay: Relay
) -> None:
    consumer = recording_consumer(store.db, js, RecordingProjection(), batch_size=10, fetch_timeout=0.2)
    async with consuming(consumer):
        for burst in range(5):
            await append_members(store, burst * 13, 13)
            await asyncio.sleep(0.01)  # bursts apart, as writers make them: the behaviour under test
        await consumer.wait_for(65)
    async with store.db.read() as conn:
        assert await applied_positions(conn) == list(range(1, 66))


async def test_a_transient_failure_is_redelivered_in_order_and_counted_once(
    store: EventStore, js: JetStreamContext, relay: Relay
) -> None:
    await append_members(store, 0, 30)
    events = await store.read_all()
    flaky = str(events[11].event_id)
    projection = RecordingProjection(fail_times={flaky: 2})
    consumer = recording_consumer(store.db, js, projection, batch_size=8, retry_delays=(0.01,))
    async with consuming(consumer):
        await consumer.wait_for(30)
    async with store.db.read() as conn:
        assert await applied_positions(conn) == list(range(1, 31))
    assert consumer.dead_lettered == 0


async def test_a_poison_message_is_dead_lettered_with_its_error_and_can_be_replayed(
    store: EventStore, js: JetStreamContext, relay: Relay
) -> None:
    await append_members(store, 0, 10)
    events = await store.read_all()
    poison = str(events[4].event_id)
    projection = RecordingProjection(poison={poison})
    consumer = recording_consumer(store.db, js, projection, batch_size=4, max_deliver=3, retry_delays=(0.01,))
    async with consuming(consumer):
        await consumer.wait_for(10)
        async with store.db.read() as conn:
            assert await applied_positions(conn) == [1, 2, 3, 4, 6, 7, 8, 9, 10]
        letters = await list_dead_letters(js)
        assert len(letters) == 1
        letter = letters[0]
        assert letter.consumer == consumer.name and letter.deliveries == 3
        assert letter.original_sequence == 5 and "cannot apply MemberJoined" in letter.error
        assert letter.envelope().event_id == events[4].event_id

        projection.poison.clear()
        outcomes = await replay_dead_letters(js, consumer)
        assert [(o.sequence, o.replayed) for o in outcomes] == [(letter.sequence, True)]
        assert await list_dead_letters(js) == []
        async with store.db.read() as conn:
            assert sorted(await applied_positions(conn)) == list(range(1, 11))


async def test_a_restarted_consumer_resumes_after_its_checkpoint(
    store: EventStore, js: JetStreamContext, relay: Relay
) -> None:
    await append_members(store, 0, 15)
    first = recording_consumer(store.db, js, RecordingProjection(), batch_size=5)
    async with consuming(first):
        await first.wait_for(15)
    await append_members(store, 15, 5)
    second = recording_consumer(store.db, js, RecordingProjection(), batch_size=5)
    async with consuming(second):
        await second.wait_for(20)
    async with store.db.read() as conn:
        assert await applied_positions(conn) == list(range(1, 21))
    await wait_until(lambda: _true(), timeout=1)


async def _true() -> bool:
    return True


class CorrelationCapture:
    name = "correlation_capture"

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    async def apply(self, conn: object, event: Envelope) -> None:
        self.seen.append((event.correlation_id, current_correlation_id()))


async def test_a_consumed_event_is_handled_under_the_correlation_id_of_the_request_that_caused_it(
    store: EventStore, js: JetStreamContext, relay: Relay
) -> None:
    with correlation("http-request-42"):
        await append_members(store, 0, 3)
    capture = CorrelationCapture()
    consumer = recording_consumer(store.db, js, capture)
    async with consuming(consumer):
        await consumer.wait_for(3)
    assert capture.seen == [("http-request-42", "http-request-42")] * 3


class UnitsOnly(RecordingProjection):
    """A projection of org-unit events only: it declares the types it reads."""

    event_types = frozenset({"UnitRegistered"})


async def test_a_projection_is_given_only_the_types_it_declares_and_its_checkpoint_passes_the_rest(
    store: EventStore, js: JetStreamContext, relay: Relay
) -> None:
    await store.append(Append("unit-a", [unit_event("a", "vn", "vn.a")], 0), actor="t")
    await append_members(store, 0, 5)
    await store.append(Append("unit-b", [unit_event("b", "vn", "vn.b")], 0), actor="t")
    consumer = recording_consumer(store.db, js, UnitsOnly(), batch_size=4)
    async with consuming(consumer):
        await consumer.wait_for(7)
    async with store.db.read() as conn:
        assert await applied_positions(conn) == [1, 7]


async def test_the_stream_sequence_is_read_from_the_ack_subject_as_nats_py_reads_it(
    store: EventStore, js: JetStreamContext, relay: Relay
) -> None:
    await append_members(store, 0, 3)

    async def relayed() -> bool:
        return relay.last_sequence >= 3

    await wait_until(relayed)
    sub = await js.pull_subscribe("membership.>", durable="sequence_check", stream=STREAM)
    msgs = await sub.fetch(3, timeout=5)
    assert [stream_sequence(m) for m in msgs] == [m.metadata.sequence.stream for m in msgs] == [1, 2, 3]
    long_form = "$JS.ACK.hub.ACCOUNTHASH.MEMBERSHIP.c.1.42.40.1700000000000000000.0.token"
    assert stream_sequence(type(msgs[0])(msgs[0]._client, subject="s", reply=long_form)) == 42
    # With what is left after it, as an ordered read stops on (both forms, as nats-py's metadata reads them).
    for msg in [*msgs, type(msgs[0])(msgs[0]._client, subject="s", reply=long_form)]:
        assert position(msg) == (msg.metadata.sequence.stream, msg.metadata.num_pending)
