"""Appending to and reading one service's history.

Appends are serialised on the chain-head row (``SELECT … FOR UPDATE`` on
PostgreSQL, the single writer on SQLite). That one lock gives three things at
once: a gap-free global position whose commit order equals its number order
(so the relay can never pass over an event committed late: the trap of
Eventuous issue 222), the previous hash for the chain, and a reliable check of
each stream's expected version.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import utcnow
from shared.events import REGISTRY, Envelope, EventRegistry, NewEvent
from shared.logging import current_correlation_id
from shared.store.database import Database
from shared.store.errors import ConcurrencyError, IdempotencyConflictError
from shared.store.schema import GENESIS_HASH, chain_head, events, idempotency, metadata, outbox

ANY_VERSION: None = None
"""Expected version meaning "whatever the stream holds"."""
NO_STREAM = 0
"""Expected version meaning "the stream must not exist yet"."""

InlineProjection = Callable[[AsyncConnection, Sequence[Envelope]], Awaitable[None]]


def chain_hash(prev_hash: str, body: bytes) -> str:
    """The hash of one event: it covers the previous hash and the stored bytes, ciphertext included."""
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


@dataclass(frozen=True, slots=True)
class StreamAppend:
    """Events to append to one stream, expecting it at ``expected_version`` (None: any)."""

    stream_id: str
    events: Sequence[NewEvent]
    expected_version: int | None = ANY_VERSION


@dataclass(frozen=True, slots=True)
class IdempotentResult:
    """The answer kept for an ``Idempotency-Key``, returned again on a retry."""

    status_code: int
    body: Any


@dataclass(slots=True)
class Idempotency:
    """Ties an append to a client's ``Idempotency-Key`` and the answer it got."""

    key: str
    request_hash: str
    answer: Callable[[Sequence[Envelope]], IdempotentResult]
    replay: IdempotentResult | None = field(default=None)


class EventStore:
    """The history of one service: append with optimistic concurrency, read, and wake the relay."""

    def __init__(self, db: Database, service: str, registry: EventRegistry = REGISTRY) -> None:
        self.db = db
        self.service = service
        self.registry = registry
        self.appended = asyncio.Event()
        self._inline: list[InlineProjection] = []

    async def initialise(self) -> None:
        await self.db.create_all(metadata)
        async with self.db.transaction() as conn:
            head = (await conn.execute(select(chain_head.c.id))).first()
            if head is None:
                try:
                    async with conn.begin_nested():
                        await conn.execute(insert(chain_head).values(id=1, position=0, hash=GENESIS_HASH))
                except IntegrityError:
                    pass  # another process created it first

    def add_inline_projection(self, projection: InlineProjection) -> None:
        """Run ``projection`` in the same transaction as every append (read models that must never lag)."""
        self._inline.append(projection)

    async def append(
        self,
        appends: StreamAppend | Sequence[StreamAppend],
        *,
        actor: str,
        correlation_id: str | None = None,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        """Append events to one or more streams in one transaction, with their outbox entries.

        Raises :class:`ConcurrencyError` when a stream is not at its expected version;
        then nothing of the attempt is stored.
        """
        batch = [appends] if isinstance(appends, StreamAppend) else list(appends)
        correlation = correlation_id or current_correlation_id()
        async with self.db.transaction() as conn:
            position, prev_hash = await self._lock_head(conn)
            if idempotency is not None and await self._replayed(conn, idempotency):
                return []
            versions = await self._current_versions(conn, [a.stream_id for a in batch])
            recorded_at = utcnow()
            envelopes: list[Envelope] = []
            for item in batch:
                actual = versions.get(item.stream_id, 0)
                if item.expected_version is not None and item.expected_version != actual:
                    raise ConcurrencyError(item.stream_id, item.expected_version, actual)
                for new in item.events:
                    actual += 1
                    position += 1
                    envelope = self._envelope(
                        new, item.stream_id, actual, position, recorded_at, actor, correlation
                    )
                    envelope.prev_hash = prev_hash
                    envelope.hash = prev_hash = chain_hash(prev_hash, envelope.body())
                    envelopes.append(envelope)
                versions[item.stream_id] = actual
            if not envelopes:
                return []
            await self._insert(conn, envelopes)
            await conn.execute(
                update(chain_head).where(chain_head.c.id == 1).values(position=position, hash=prev_hash)
            )
            for projection in self._inline:
                await projection(conn, envelopes)
            if idempotency is not None:
                await self._remember(conn, idempotency, envelopes)
        self.appended.set()
        return envelopes

    async def _lock_head(self, conn: AsyncConnection) -> tuple[int, str]:
        row = (await conn.execute(select(chain_head.c.position, chain_head.c.hash).with_for_update())).one()
        return int(row.position), str(row.hash)

    async def _current_versions(self, conn: AsyncConnection, stream_ids: list[str]) -> dict[str, int]:
        unique = list(dict.fromkeys(stream_ids))
        versions: dict[str, int] = {}
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            rows = await conn.execute(
                select(events.c.stream_id, func.max(events.c.stream_version))
                .where(events.c.stream_id.in_(chunk))
                .group_by(events.c.stream_id)
            )
            versions.update({str(r[0]): int(r[1]) for r in rows})
        return versions

    def _envelope(
        self,
        new: NewEvent,
        stream_id: str,
        version: int,
        position: int,
        recorded_at: Any,
        actor: str,
        correlation_id: str,
    ) -> Envelope:
        if new.occurred_at.tzinfo is None:
            raise ValueError(f"occurred_at of {new.payload.event_type} must carry a time zone")
        return Envelope.model_construct(
            event_id=new.event_id,
            type=new.payload.event_type,
            schema_version=new.payload.schema_version,
            service=self.service,
            stream_id=stream_id,
            stream_version=version,
            position=position,
            unit_path=new.unit_path,
            occurred_at=new.occurred_at,
            recorded_at=recorded_at,
            actor=actor,
            correlation_id=correlation_id,
            causation_id=new.causation_id,
            payload=new.payload,
            prev_hash="",
            hash="",
        )

    async def _insert(self, conn: AsyncConnection, envelopes: Sequence[Envelope]) -> None:
        try:
            await conn.execute(
                insert(events),
                [
                    {
                        "position": e.position,
                        "event_id": str(e.event_id),
                        "stream_id": e.stream_id,
                        "stream_version": e.stream_version,
                        "type": e.type,
                        "unit_path": e.unit_path,
                        "occurred_at": e.occurred_at,
                        "recorded_at": e.recorded_at,
                        "body": e.body(),
                        "prev_hash": e.prev_hash,
                        "hash": e.hash,
                    }
                    for e in envelopes
                ],
            )
        except IntegrityError as exc:
            # The expected-version check under the head lock makes this unreachable
            # unless another writer bypassed the lock; the constraint is the backstop.
            first = envelopes[0]
            raise ConcurrencyError(first.stream_id, first.stream_version - 1, -1) from exc
        await conn.execute(insert(outbox), [{"position": e.position} for e in envelopes])

    async def _replayed(self, conn: AsyncConnection, idem: Idempotency) -> bool:
        row = (
            await conn.execute(
                select(idempotency.c.request_hash, idempotency.c.status_code, idempotency.c.response).where(
                    idempotency.c.key == idem.key
                )
            )
        ).first()
        if row is None:
            return False
        if row.request_hash != idem.request_hash:
            raise IdempotencyConflictError(idem.key)
        idem.replay = IdempotentResult(int(row.status_code), json.loads(row.response))
        return True

    async def _remember(
        self, conn: AsyncConnection, idem: Idempotency, envelopes: Sequence[Envelope]
    ) -> None:
        answer = idem.answer(envelopes)
        await conn.execute(
            insert(idempotency).values(
                key=idem.key,
                request_hash=idem.request_hash,
                status_code=answer.status_code,
                response=json.dumps(answer.body, default=str),
                created_at=utcnow(),
            )
        )

    async def find_idempotent(self, key: str, request_hash: str) -> IdempotentResult | None:
        """The answer already given for ``key``, or None; a different request under it is refused."""
        async with self.db.read() as conn:
            probe = Idempotency(key, request_hash, answer=lambda _: IdempotentResult(0, None))
            return probe.replay if await self._replayed(conn, probe) else None

    # Reading

    async def stream_version(self, stream_id: str) -> int:
        async with self.db.read() as conn:
            return (await self._current_versions(conn, [stream_id])).get(stream_id, 0)

    async def read_stream(self, stream_id: str) -> list[Envelope]:
        """Every event of one stream, in version order."""
        query = (
            select(events.c.body, events.c.prev_hash, events.c.hash)
            .where(events.c.stream_id == stream_id)
            .order_by(events.c.stream_version)
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [self.registry.decode(r.body, prev_hash=r.prev_hash, hash=r.hash) for r in rows]

    async def read_all(self, after: int = 0, limit: int = 1000) -> list[Envelope]:
        """Up to ``limit`` events after position ``after``, in position order."""
        query = (
            select(events.c.body, events.c.prev_hash, events.c.hash)
            .where(events.c.position > after)
            .order_by(events.c.position)
            .limit(limit)
        )
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [self.registry.decode(r.body, prev_hash=r.prev_hash, hash=r.hash) for r in rows]

    async def iter_all(self, after: int = 0, batch: int = 5000) -> AsyncIterator[Envelope]:
        """The whole history from ``after``, in position order, read in batches."""
        while True:
            chunk = await self.read_all(after, batch)
            for envelope in chunk:
                yield envelope
            if len(chunk) < batch:
                return
            after = chunk[-1].position

    async def head(self) -> tuple[int, str]:
        """The last position and its hash."""
        async with self.db.read() as conn:
            row = (await conn.execute(select(chain_head.c.position, chain_head.c.hash))).one()
        return int(row.position), str(row.hash)

    async def pending_outbox(self) -> int:
        async with self.db.read() as conn:
            return int((await conn.execute(select(func.count()).select_from(outbox))).scalar_one())
