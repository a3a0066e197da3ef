"""The relay: publishes a service's outbox to its JetStream stream, in position order.

- ``Nats-Msg-Id`` is the event id, so the server drops a re-publication within
  the stream's explicit duplicate window.
- Publishes are pipelined (up to ``batch_size`` in flight) and an outbox entry is
  deleted only after the server acknowledged it.
- Each message carries ``Nats-Expected-Last-Sequence``: if one publish of a batch
  fails, the server refuses every later one, so a retry can never put an event
  after its successor. This relies on the relay being the stream's only
  publisher, which the per-service NATS permissions guarantee.
- On start and after any failure the relay reconciles with the stream: the last
  message's position says exactly what is already published, whatever the
  duplicate window.
- Only the headers that must be headers are sent (each costs every consumer a
  parse): the id, the expected sequence and the chain; the position and the
  correlation id are in the body.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import structlog
from nats.js import JetStreamContext
from nats.js.api import PubAck
from sqlalchemy import delete, select

from shared.bus import headers as h
from shared.bus.subjects import event_subject, stream_name
from shared.store.database import Database
from shared.store.schema import events, outbox

log = structlog.get_logger("relay")

PublishedHook = Callable[[Sequence[int]], Awaitable[None]]


class RelayDivergedError(RuntimeError):
    """The stream holds events this database does not: they are two different histories."""


@dataclass(slots=True)
class _Pending:
    position: int
    subject: str
    body: bytes
    event_id: str
    hash: str
    prev_hash: str


class Relay:
    """Moves one service's outbox to JetStream; run one per service database."""

    def __init__(
        self,
        db: Database,
        js: JetStreamContext,
        service: str,
        *,
        wake: asyncio.Event | None = None,
        batch_size: int = 1000,
        ack_timeout: float = 10.0,
        idle_wait: float = 0.5,
        on_published: PublishedHook | None = None,
    ) -> None:
        self.db = db
        self.js = js
        self.service = service
        self.stream = stream_name(service)
        self.wake = wake or asyncio.Event()
        self.batch_size = batch_size
        self.ack_timeout = ack_timeout
        self.idle_wait = idle_wait
        # Called after the server acknowledged a batch and before the outbox is
        # cleared: the window a crash test aims at.
        self.on_published = on_published
        self.last_sequence = 0
        self.published = 0
        self._reconciled = False

    async def run(self) -> None:
        """Relay until cancelled, retrying with back-off while NATS or the database are unavailable."""
        backoff = 0.2
        while True:
            try:
                if not self._reconciled:
                    await self.reconcile()
                sent = await self.publish_pending()
                backoff = 0.2
                if sent == 0:
                    self.wake.clear()
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow the task's
                    # cancellation when the event is set at the same moment, and the relay never stops.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self.idle_wait):
                            await self.wake.wait()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("relay.retrying", stream=self.stream, error=str(exc) or exc.__class__.__name__)
                self._reconciled = False
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def reconcile(self) -> None:
        """Learn from the stream what is already published, and drop it from the outbox."""
        info = await self.js.stream_info(self.stream)
        last_seq = info.state.last_seq
        published_up_to = 0
        if last_seq:
            last = await self.js.get_msg(self.stream, seq=last_seq)
            published_up_to = int(json.loads(last.data or b"{}").get("position", 0))
            if published_up_to:
                await self._check_same_history(published_up_to, (last.headers or {}).get(h.HASH, ""))
        if published_up_to:
            async with self.db.transaction() as conn:
                await conn.execute(delete(outbox).where(outbox.c.position <= published_up_to))
        self.last_sequence = last_seq
        self._reconciled = True
        log.info("relay.reconciled", stream=self.stream, last_sequence=last_seq, position=published_up_to)

    async def _check_same_history(self, position: int, stream_hash: str) -> None:
        async with self.db.read() as conn:
            stored = (await conn.execute(select(events.c.hash).where(events.c.position == position))).scalar()
        if stored != stream_hash:
            raise RelayDivergedError(
                f"stream {self.stream} ends with position {position} (hash {stream_hash[:12]}…), "
                f"which this database {'holds with another hash' if stored else 'does not hold'}: "
                "the stream and the database belong to different histories"
            )

    async def publish_pending(self) -> int:
        """Publish one batch of the outbox; returns how many events the server acknowledged."""
        batch = await self._next_batch()
        if not batch:
            return 0
        futures = [
            await self.js.publish_async(
                p.subject,
                p.body,
                headers={
                    h.MSG_ID: p.event_id,
                    h.EXPECTED_LAST_SEQUENCE: str(self.last_sequence + i),
                    h.HASH: p.hash,
                    h.PREV_HASH: p.prev_hash,
                },
            )
            for i, p in enumerate(batch)
        ]
        acks = await self._gather(futures)
        acked = self._acknowledged_prefix(acks)
        if acked:
            positions = [p.position for p in batch[:acked]]
            if self.on_published is not None:
                await self.on_published(positions)
            async with self.db.transaction() as conn:
                await conn.execute(delete(outbox).where(outbox.c.position <= positions[-1]))
            last_ack = acks[acked - 1]
            assert isinstance(last_ack, PubAck)
            self.last_sequence = max(self.last_sequence, last_ack.seq)
            self.published += acked
        if acked < len(batch):
            error = acks[acked]
            raise RuntimeError(f"publish of position {batch[acked].position} failed: {error!r}")
        return acked

    async def _gather(self, futures: list[asyncio.Future[PubAck]]) -> list[PubAck | BaseException]:
        try:
            return await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), self.ack_timeout)
        except TimeoutError:
            results: list[PubAck | BaseException] = []
            for future in futures:
                if future.done() and not future.cancelled() and future.exception() is None:
                    results.append(future.result())
                else:
                    future.cancel()
                    results.append(TimeoutError("no acknowledgement from the server"))
            return results

    @staticmethod
    def _acknowledged_prefix(acks: Sequence[PubAck | BaseException]) -> int:
        count = 0
        for ack in acks:
            if not isinstance(ack, PubAck):
                break
            count += 1
        return count

    async def _next_batch(self) -> list[_Pending]:
        query = (
            select(
                events.c.position,
                events.c.type,
                events.c.unit_path,
                events.c.body,
                events.c.event_id,
                events.c.hash,
                events.c.prev_hash,
            )
            .join(outbox, outbox.c.position == events.c.position)
            .order_by(outbox.c.position)
            .limit(self.batch_size)
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [
            _Pending(
                position=int(r.position),
                subject=event_subject(self.service, str(r.type), str(r.unit_path)),
                body=bytes(r.body),
                event_id=str(r.event_id),
                hash=str(r.hash),
                prev_hash=str(r.prev_hash),
            )
            for r in rows
        ]
