"""The consumer base for projections: a durable pull consumer, processed in order.

- The projection's checkpoint (the last stream sequence it applied) is written in
  the same transaction as its read model, so a message delivered twice finds its
  sequence at or below the checkpoint and changes nothing: exactly-once effect.
- Messages are applied strictly in stream order. A batch is applied in one
  transaction; when a message fails, the messages before it are committed and
  it is delivered to the projection again, after a back-off, while it and the
  rest of the batch are held (kept "in progress" on the server). A nak would
  not do: the server may serve newer messages before it has processed the nak.
- A message that fails on its ``max_deliver``-th delivery (counting the
  server's redeliveries after a crash) is published with its error to the
  dead-letter stream, then the checkpoint moves past it. Nothing is dropped: a
  dead letter is written before the message is terminated.
- A database that is down is not the message's fault: the consumer waits for it,
  keeping the messages in progress, and does not count those failures.
- A message is applied only if its owner's relay sealed it for this reader
  (:mod:`shared.bus.seals`); one that is unsealed or whose seal does not match is
  refused: dead-lettered at once with the reason (no retries, nothing would change),
  counted, and the checkpoint moves past it. The dead letter carries this reader's
  own MAC of it (``Chudong-Letter-Seal``), so a replay applies only letters its
  consumer wrote, as it wrote them.
- On start the durable consumer is recreated to begin after the stored
  checkpoint: the database, not the server, is the truth of what was applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import structlog
from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.bus import headers as h
from shared.bus.checkpoints import load_checkpoint, save_checkpoint
from shared.bus.keys import BusKeys
from shared.bus.ordered import position, read_in_order
from shared.bus.progress import Progress
from shared.bus.seals import Refusal, RefusedMessageError, chain_of, sealed_from
from shared.bus.subjects import DEAD_LETTER_STREAM, dead_letter_subject, stream_owner
from shared.clock import utcnow
from shared.events import REGISTRY, Envelope, EventRegistry
from shared.logging import reset_correlation, set_correlation
from shared.retry import Backoff, delay_after
from shared.store.database import Database, is_unavailable
from shared.store.schema import consumer_metadata, dead_letter_replays

log = structlog.get_logger("consumer")


class Projection(Protocol):
    """A read model fed by events: ``apply`` runs inside the consumer's transaction.

    A projection may also declare ``event_types`` (a set of type names): the
    consumer then reads each message's type from its subject and neither
    decodes nor applies the others (their sequence still moves the checkpoint).
    """

    name: str

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None: ...


@runtime_checkable
class BufferedProjection(Protocol):
    """A projection that keeps state in memory between ``apply`` calls of a batch."""

    async def flush(self, conn: AsyncConnection) -> None:
        """Write what the batch changed; called before the checkpoint, in the same transaction."""

    def discard(self) -> None:
        """Forget what the batch changed: its transaction was rolled back."""


def stream_sequence(msg: Msg) -> int:
    """The message's stream sequence, read from its ack subject without building all its metadata."""
    return position(msg)[0]


def message_type(msg: Msg) -> str:
    """The event type named by an event subject ``<service>.<EventType>.<unit path>``."""
    return msg.subject.split(".", 2)[1]


def decode_message(msg: Msg, registry: EventRegistry = REGISTRY) -> Envelope:
    hash, prev_hash = chain_of(msg.headers or {})
    return registry.decode(msg.data, prev_hash=prev_hash, hash=hash)


class ProjectionConsumer:
    """Feeds one projection from one JetStream stream (optionally filtered, e.g. one province)."""

    def __init__(
        self,
        db: Database,
        js: JetStreamContext,
        projection: Projection,
        stream: str,
        *,
        service: str,
        keys: BusKeys,
        filter_subjects: Sequence[str] = (),
        partition: str = "",
        durable: str = "",
        registry: EventRegistry = REGISTRY,
        lock: asyncio.Lock | None = None,
        batch_size: int = 500,
        max_deliver: int = 5,
        ack_wait: float = 30.0,
        fetch_timeout: float = 1.0,
        retry_delays: Sequence[float] = (0.2, 0.5, 1.0, 2.0, 5.0),
    ) -> None:
        self.db = db
        self.js = js
        self.projection = projection
        self.stream = stream
        self.filter_subjects = list(filter_subjects)
        self.registry = registry
        self.lock = lock or asyncio.Lock()
        self.batch_size = batch_size
        self.max_deliver = max_deliver
        self.ack_wait = ack_wait
        self.fetch_timeout = fetch_timeout
        self.retry_delays = tuple(retry_delays)
        suffix = f"_{partition}" if partition else ""
        # Durable names are per stream, shared by every service: the service's name keeps them apart.
        # ``durable`` names a second consumer of the same projection and stream (a rebuild's).
        name = f"{service}_{projection.name}_{stream}{suffix}" + (f"_{durable}" if durable else "")
        self.name = re.sub(r"[^A-Za-z0-9_-]", "_", name)
        self.checkpoint_key = f"{stream}{suffix}"
        self.checkpoint = 0
        self.applied = 0
        self.skipped = 0
        self.dead_lettered = 0
        self.refused: dict[str, int] = {}
        # Checked before decoding; ``sealed_from`` is the stream's, read on each (re)start.
        self.seals = keys.check(stream_owner(stream))
        self.progress = Progress()
        wanted = getattr(projection, "event_types", None)
        self.event_types: frozenset[str] | None = frozenset(wanted) if wanted is not None else None
        self._sub: JetStreamContext.PullSubscription | None = None

    async def start(self) -> None:
        """Read the checkpoint and (re)create the durable consumer to start right after it."""
        await self.db.create_all(consumer_metadata)
        async with self.db.read() as conn:
            self.checkpoint = await load_checkpoint(conn, self.projection.name, self.checkpoint_key)
        await self._read_stream_info()
        with contextlib.suppress(NotFoundError):
            await self.js.delete_consumer(self.stream, self.name)
        config = ConsumerConfig(
            durable_name=self.name,
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE if self.checkpoint else DeliverPolicy.ALL,
            opt_start_seq=self.checkpoint + 1 if self.checkpoint else None,
            # One ack covers every earlier message: a committed batch costs one ack, not hundreds.
            ack_policy=AckPolicy.ALL,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
            max_ack_pending=self.batch_size * 2,
            filter_subjects=self.filter_subjects or None,
            description=f"projection {self.projection.name} of {self.stream}",
        )
        await self.js.add_consumer(self.stream, config)
        self._sub = await self.js.pull_subscribe_bind(durable=self.name, stream=self.stream)
        log.info("consumer.started", consumer=self.name, checkpoint=self.checkpoint)

    async def run(self) -> None:
        """Consume until cancelled.

        After any error (NATS unreachable, an ack that could not be sent) the
        consumer is recreated from the stored checkpoint, so whatever was
        delivered but not applied comes again, in order, before anything newer.
        """
        backoff = Backoff()
        while True:
            try:
                if self._sub is None:
                    await self.start()
                assert self._sub is not None
                try:
                    msgs = await self._sub.fetch(self.batch_size, timeout=self.fetch_timeout)
                except TimeoutError:  # nothing new (nats-py raises both its own and asyncio's)
                    self.progress.caught_up()
                    continue
                await self.process(msgs)
                backoff.reset()
            except asyncio.CancelledError:
                # Unsubscribe now: a pull subscription left behind holds the connection's drain
                # until its timeout (30 s) when the service stops.
                await self._drop_subscription()
                raise
            except Exception as exc:
                error = str(exc) or exc.__class__.__name__
                log.warning("consumer.restarting", consumer=self.name, error=error)
                self.progress.failed(error)
                await self._drop_subscription()
                await backoff.wait()

    async def catch_up(self, sequence: int, *, bulk: bool = False, retry_for: float = 120.0) -> None:
        """Consume in the caller's task until the checkpoint reaches ``sequence`` (rebuilds, benchmarks).

        With ``bulk`` the messages are first read with an ordered consumer (``shared.bus.ordered``)
        and applied in batches with the same transactions and checkpoints; a batch that fails is
        left to the durable pull consumer, which retries it and dead-letters it as :meth:`run` does.
        While NATS does not answer (a cluster electing a leader, a reconnection) it tries again from
        the stored checkpoint, for up to ``retry_for`` seconds.
        """
        backoff = Backoff(retry_for=retry_for)
        while True:
            try:
                await self._catch_up(sequence, bulk)
                return
            except (NatsError, TimeoutError, OSError) as exc:
                if backoff.expired():
                    raise
                log.warning("consumer.catch_up_retrying", consumer=self.name, error=repr(exc))
                await self._drop_subscription()
                await backoff.wait()

    async def _catch_up(self, sequence: int, bulk: bool) -> None:
        if bulk and self._sub is None and len(self.filter_subjects) <= 1:
            await self._catch_up_in_bulk(sequence)
            if self.checkpoint >= sequence:
                return
        if self._sub is None:
            await self.start()
        assert self._sub is not None
        while self.checkpoint < sequence:
            try:
                msgs = await self._sub.fetch(self.batch_size, timeout=self.fetch_timeout)
            except TimeoutError:
                continue
            await self.process(msgs)

    async def _catch_up_in_bulk(self, sequence: int) -> None:
        await self.db.create_all(consumer_metadata)
        async with self.db.read() as conn:
            self.checkpoint = await load_checkpoint(conn, self.projection.name, self.checkpoint_key)
        subjects = await self._read_stream_info()
        subject = self.filter_subjects[0] if self.filter_subjects else subjects[0]
        batches = read_in_order(
            self.js, self.stream, subject, after=self.checkpoint, until=sequence, batch=self.batch_size
        )
        async for msgs in batches:
            async with self.lock:
                done, error = await self._apply(msgs)
            if error is not None:
                log.warning(
                    "consumer.bulk_read_stopped",
                    consumer=self.name,
                    sequence=stream_sequence(msgs[done]),
                    error=repr(error),
                )
                return  # the durable consumer takes over from the stored checkpoint

    async def _read_stream_info(self) -> list[str]:
        """Read from the stream where seals begin; returns its subjects."""
        info = await self.js.stream_info(self.stream)
        self.seals.sealed_from = sealed_from(info)
        return list(info.config.subjects or [">"])

    async def close(self) -> None:
        """Unsubscribe (after the task running :meth:`run` is cancelled), so the connection drains at once.

        A pull subscription holds fetched messages no handler will take; draining
        the connection would wait for them until its timeout.
        """
        await self._drop_subscription()

    async def _drop_subscription(self) -> None:
        sub, self._sub = self._sub, None
        if sub is not None:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()

    async def process(self, msgs: Sequence[Msg]) -> None:
        """Apply a fetched batch in order; see the module's description for failures."""
        async with self.lock:
            fresh: list[Msg] = []
            for msg in msgs:
                if stream_sequence(msg) <= self.checkpoint:
                    self.skipped += 1
                else:
                    fresh.append(msg)
            if not fresh and msgs:
                await msgs[-1].ack()
            left = position(msgs[-1])[1] if msgs else 0
            attempts = 0
            unavailable_round = 0
            while fresh:
                done, error = await self._apply(fresh)
                if done:
                    await fresh[done - 1].ack()
                if error is None:
                    self.progress.moved(left)
                    return
                if done:
                    attempts = 0
                fresh = fresh[done:]
                failing = fresh[0]
                if done:
                    self.progress.moved(left + len(fresh))
                else:
                    self.progress.waiting(left + len(fresh))
                if isinstance(error, RefusedMessageError):
                    await self._dead_letter(failing, error, failing.metadata.num_delivered, error.refusal)
                    await failing.term()
                    fresh = fresh[1:]
                    attempts = 0
                    continue
                if is_unavailable(error):
                    unavailable_round += 1
                    log.warning("consumer.database_unavailable", consumer=self.name, error=str(error))
                    await self._hold(fresh, self._delay(unavailable_round))
                    continue
                unavailable_round = 0
                attempts = max(attempts, failing.metadata.num_delivered - 1) + 1
                if attempts >= self.max_deliver:
                    await self._dead_letter(failing, error, attempts)
                    await failing.term()
                    fresh = fresh[1:]
                    attempts = 0
                    continue
                log.warning(
                    "consumer.retrying_message",
                    consumer=self.name,
                    sequence=stream_sequence(failing),
                    attempt=attempts,
                    error=repr(error),
                )
                await self._hold(fresh, self._delay(attempts))

    async def _hold(self, msgs: Sequence[Msg], delay: float) -> None:
        """Wait before a retry, telling the server the messages are still being worked on.

        Retries happen here rather than by nak: the server may serve newer
        messages before it has processed a nak, which would break the order.
        """
        await asyncio.sleep(delay)
        for msg in msgs:
            with contextlib.suppress(Exception):
                await msg.in_progress()

    def _delay(self, attempt: int) -> float:
        return delay_after(attempt, self.retry_delays)

    async def _apply(self, msgs: Sequence[Msg]) -> tuple[int, BaseException | None]:
        """Apply ``msgs`` in one transaction; on failure commit the prefix before the failing one.

        Returns how many were applied and committed, and the error of the next one.
        """
        failed_at: int | None = None
        wanted = self.event_types
        try:
            async with self.db.transaction() as conn:
                for index, msg in enumerate(msgs):
                    failed_at = index
                    if wanted is not None and message_type(msg) not in wanted:
                        continue
                    refused = self.seals.refusal(stream_sequence(msg), msg.subject, msg.headers, msg.data)
                    if refused is not None:
                        raise refused
                    envelope = decode_message(msg, self.registry)
                    token = set_correlation(envelope.correlation_id)
                    try:
                        await self.projection.apply(conn, envelope)
                    finally:
                        reset_correlation(token)
                failed_at = None
                if isinstance(self.projection, BufferedProjection):
                    await self.projection.flush(conn)
                last = stream_sequence(msgs[-1])
                await save_checkpoint(conn, self.projection.name, self.checkpoint_key, last)
        except Exception as exc:
            if isinstance(self.projection, BufferedProjection):
                self.projection.discard()
            if is_unavailable(exc):
                return 0, exc
            if failed_at is None:
                # The batch failed as a whole (when flushed): find the culprit one message at a time.
                return (await self._apply(msgs[:1])) if len(msgs) > 1 else (0, exc)
            if failed_at == 0:
                return 0, exc
            done, again = await self._apply(msgs[:failed_at])
            return done, again if again is not None else exc
        self.checkpoint = last
        self.applied += len(msgs)
        return len(msgs), None

    async def _dead_letter(
        self, msg: Msg, error: BaseException, attempts: int, refusal: Refusal | None = None
    ) -> None:
        sequence = stream_sequence(msg)
        original = msg.headers or {}
        headers = {
            k: v
            for k, v in original.items()
            if k not in (h.MSG_ID, h.EXPECTED_LAST_SEQUENCE, h.LETTER_SEAL, h.REFUSED)
        }
        refused = refusal.value if refusal is not None else ""
        if refused:
            headers[h.REFUSED] = refused
        headers.update(
            {
                h.MSG_ID: f"{self.name}:{sequence}",
                h.ERROR: (str(error) if refused else f"{error.__class__.__name__}: {error}")[:2000],
                h.LETTER_SEAL: self.seals.letter_seal(
                    self.name, refused, sequence, msg.subject, original, msg.data
                ),
                h.DELIVERIES: str(attempts),
                h.ORIGINAL_SUBJECT: msg.subject,
                h.ORIGINAL_STREAM: self.stream,
                h.ORIGINAL_SEQUENCE: str(sequence),
                h.CONSUMER: self.name,
                h.FAILED_AT: utcnow().isoformat(),
            }
        )
        backoff = Backoff(steps=self.retry_delays)
        while True:
            try:
                await self.js.publish(
                    dead_letter_subject(self.name), msg.data, headers=headers, stream=DEAD_LETTER_STREAM
                )
                async with self.db.transaction() as conn:
                    await save_checkpoint(conn, self.projection.name, self.checkpoint_key, sequence)
                break
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("consumer.dead_letter_retrying", consumer=self.name, error=str(exc))
                await backoff.wait()
        self.checkpoint = sequence
        self.dead_lettered += 1
        if refused:
            self.refused[refused] = self.refused.get(refused, 0) + 1
        log.error("consumer.dead_lettered", consumer=self.name, sequence=sequence, error=headers[h.ERROR])

    async def wait_for(self, sequence: int, timeout: float = 10.0) -> None:
        """Wait until the checkpoint reaches ``sequence`` (tests and rebuilds wait on this, never sleep)."""
        async with asyncio.timeout(timeout):
            while self.checkpoint < sequence:
                await asyncio.sleep(0.01)

    async def apply_one(self, envelope: Envelope, original_sequence: int) -> bool:
        """Apply a dead letter's event outside the stream's order, once: False if it was already replayed."""
        async with self.lock, self.db.transaction() as conn:
            try:
                replay = dead_letter_replays.insert().values(
                    consumer=self.name, original_sequence=original_sequence, replayed_at=utcnow()
                )
                try:
                    async with conn.begin_nested():
                        await conn.execute(replay)
                except IntegrityError:
                    return False
                await self.projection.apply(conn, envelope)
                if isinstance(self.projection, BufferedProjection):
                    await self.projection.flush(conn)
            except Exception:
                if isinstance(self.projection, BufferedProjection):
                    self.projection.discard()
                raise
        return True
