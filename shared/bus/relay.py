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
  parse): the id, the expected sequence, and the chain link with the seal in one;
  the position and the correlation id are in the body.
- Each message is sealed for the readers of the stream (:mod:`shared.bus.seals`)
  over the sequence it must land at. Reconciling, the relay recognises its own
  last message by its seal; a message it did not write at the stream's tail halts
  it (:mod:`shared.bus.tail`): it publishes nothing, logs an error and reports the
  halt (``/healthz`` says degraded) until the message is repaired away, then it
  goes on by itself. While idle it looks at the stream's last sequence now and
  then, so a message slipped in while nothing was to be published is seen too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import NoReturn

import structlog
from nats.js import JetStreamContext
from nats.js.api import PubAck
from sqlalchemy import delete, func, select

from shared.bus import headers as h
from shared.bus.keys import BusKeys
from shared.bus.progress import Progress
from shared.bus.seals import chain_of
from shared.bus.subjects import event_subject, stream_name
from shared.bus.tail import Foreign, last_message, own_position, seal_check
from shared.retry import Backoff
from shared.store.database import Database
from shared.store.schema import events, outbox

log = structlog.get_logger("relay")

PublishedHook = Callable[[Sequence[int]], Awaitable[None]]


class RelayDivergedError(RuntimeError):
    """The stream holds events this database does not: they are two different histories."""


class RelayHaltedError(RuntimeError):
    """The stream's tail holds a message this relay did not publish: nothing is published after it."""

    def __init__(self, foreign: Foreign) -> None:
        super().__init__(foreign.describe())
        self.foreign = foreign


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
        keys: BusKeys,
        wake: asyncio.Event | None = None,
        batch_size: int = 1000,
        ack_timeout: float = 10.0,
        idle_wait: float = 0.5,
        on_published: PublishedHook | None = None,
        watch_every: float = 5.0,
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
        self.sealer = keys.sealer()
        self.own = keys.own_check()
        # Why the relay publishes nothing now (a foreign message, another history), for /healthz.
        self.halted: str | None = None
        self.progress = Progress()
        # Whether this process runs the relay (among replicas, the leader does).
        self.active = False
        self.watch_every = watch_every
        self._watched_at = 0.0
        self._reconciled = False

    async def run(self) -> None:
        """Relay until cancelled, retrying with back-off while NATS or the database are unavailable."""
        backoff = Backoff()
        self.active = True
        try:
            while True:
                try:
                    if not self._reconciled:
                        await self.reconcile()
                    sent = await self.publish_pending()
                    backoff.reset()
                    if sent == 0:
                        await self._watch_stream()
                        self.wake.clear()
                        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow the task's
                        # cancellation when the event is set at the same moment, and the relay never stops.
                        with contextlib.suppress(TimeoutError):
                            async with asyncio.timeout(self.idle_wait):
                                await self.wake.wait()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    error = str(exc) or exc.__class__.__name__
                    if not isinstance(exc, RelayHaltedError):
                        log.warning("relay.retrying", stream=self.stream, error=error)
                    self.progress.failed(error)
                    self._reconciled = False
                    await backoff.wait()
        finally:
            self.active = False

    async def _watch_stream(self) -> None:
        """Now and then while idle, reconcile again if the stream moved without this relay."""
        now = asyncio.get_running_loop().time()
        if now - self._watched_at < self.watch_every:
            return
        self._watched_at = now
        if (await self.js.stream_info(self.stream)).state.last_seq != self.last_sequence:
            self._reconciled = False

    async def reconcile(self) -> None:
        """Learn from the stream what is already published, and drop it from the outbox."""
        last_seq = (await self.js.stream_info(self.stream)).state.last_seq
        await seal_check(self.js, self.service, self.own)
        published_up_to = 0
        last = await last_message(self.js, self.service) if last_seq else None
        if last is not None:
            found = own_position(last, self.own, self.service)
            if isinstance(found, Foreign):
                self._halt(found)
            published_up_to = found
            await self._check_same_history(published_up_to, chain_of(last.headers or {})[0])
        if published_up_to:
            async with self.db.transaction() as conn:
                await conn.execute(delete(outbox).where(outbox.c.position <= published_up_to))
        self.last_sequence = last_seq
        self._reconciled = True
        if self.halted is not None:
            log.info("relay.resumed", stream=self.stream, was=self.halted)
            self.halted = None
        log.info("relay.reconciled", stream=self.stream, last_sequence=last_seq, position=published_up_to)

    def _halt(self, foreign: Foreign) -> NoReturn:
        reason = f"{foreign.describe()}: repair with `chudong streams repair {self.service}`"
        if reason != self.halted:
            log.error(
                "relay.halted",
                stream=foreign.stream,
                sequence=foreign.sequence,
                subject=foreign.subject,
                reason=foreign.reason,
                repair=f"chudong streams repair {self.service}",
            )
        self.halted = reason
        raise RelayHaltedError(foreign)

    async def _check_same_history(self, position: int, stream_hash: str) -> None:
        async with self.db.read() as conn:
            stored = (await conn.execute(select(events.c.hash).where(events.c.position == position))).scalar()
        if stored != stream_hash:
            self.halted = (
                f"stream {self.stream} and this database hold different histories at position {position}"
            )
            raise RelayDivergedError(
                f"stream {self.stream} ends with position {position} (hash {stream_hash[:12]}…), "
                f"which this database {'holds with another hash' if stored else 'does not hold'}: "
                "the stream and the database belong to different histories"
            )

    async def publish_pending(self) -> int:
        """Publish one batch of the outbox; returns how many events the server acknowledged."""
        if self.halted is not None or not self._reconciled:
            await self.reconcile()
        batch = await self._next_batch()
        if not batch:
            self.progress.caught_up()
            return 0
        futures = [
            await self.js.publish_async(p.subject, p.body, headers=self._headers(self.last_sequence + i, p))
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
            self.progress.moved(await self._outbox_size() if acked == self.batch_size else 0)
        if acked < len(batch):
            error = acks[acked]
            self._reconciled = False  # the stream may hold what this relay did not write: look first
            raise RuntimeError(f"publish of position {batch[acked].position} failed: {error!r}")
        return acked

    def _headers(self, expected_last: int, p: _Pending) -> dict[str, str]:
        """The message's headers; its seal covers the sequence it will land at, the one after ``expected_last``."""
        return {
            h.MSG_ID: p.event_id,
            h.EXPECTED_LAST_SEQUENCE: str(expected_last),
            h.SEAL: self.sealer.seal(expected_last + 1, p.subject, p.hash, p.prev_hash),
        }

    async def _outbox_size(self) -> int:
        async with self.db.read() as conn:
            return int((await conn.execute(select(func.count()).select_from(outbox))).scalar_one())

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
