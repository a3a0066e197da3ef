"""An event store in memory, with the real store's concurrency and idempotency contract."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import Clock
from shared.events import REGISTRY, Envelope, EventRegistry
from shared.logging import current_correlation_id
from shared.store.appending import InlineProjection
from shared.store.errors import ConcurrencyError, IdempotencyConflictError
from shared.store.event_store import EventStore, Idempotency, IdempotentResult, StreamAppend, chain_hash
from shared.store.schema import GENESIS_HASH

# Append effects write beside the events in the append's transaction; in memory there is none, so
# they get no connection: the in-memory adapters' effects (InMemoryKeyRing's sealer) ignore it.
NO_CONNECTION = cast(AsyncConnection, None)

AppendListener = Callable[[Sequence[Envelope]], None]


class InMemoryEventStore(EventStore):
    """One service's history in a list: appends are decided as :class:`EventStore` decides them.

    Reads decode the stored bytes through the registry, as the real store does, so an event that
    does not survive its own serialisation fails here too.
    """

    def __init__(self, service: str, registry: EventRegistry = REGISTRY, clock: Clock | None = None) -> None:
        self.service = service
        self.clock = clock or Clock()  # stamps recorded_at and the answers' age
        self.registry = registry
        self.appended = asyncio.Event()
        self._stored: list[tuple[bytes, str, str, str]] = []  # body, prev_hash, hash, stream id
        self._versions: dict[str, int] = {}
        self._head: tuple[int, str] = (0, GENESIS_HASH)
        self._answers: dict[str, tuple[str, IdempotentResult, datetime]] = {}
        self._listeners: list[AppendListener] = []

    async def initialise(self) -> None:
        return None

    def add_inline_projection(self, projection: InlineProjection) -> None:
        raise NotImplementedError("inline projections write SQL: register an in-memory listener instead")

    def on_append(self, listener: AppendListener) -> None:
        """Call ``listener`` with every append's envelopes (an in-memory read model that must never lag)."""
        self._listeners.append(listener)

    async def append(
        self,
        appends: StreamAppend | Sequence[StreamAppend],
        *,
        actor: str,
        correlation_id: str | None = None,
        idempotency: Idempotency | None = None,
        effects: InlineProjection | None = None,
    ) -> list[Envelope]:
        if idempotency is not None:
            answered = await self.find_idempotent(idempotency.key, idempotency.request_hash)
            if answered is not None:
                idempotency.replay = answered
                return []
        items = [appends] if isinstance(appends, StreamAppend) else list(appends)
        correlation = correlation_id or current_correlation_id()
        now = self.clock.now()
        position, prev_hash = self._head
        versions: dict[str, int] = {}
        planned: list[tuple[Envelope, bytes]] = []
        for item in items:
            actual = versions.get(item.stream_id, self._versions.get(item.stream_id, 0))
            if item.expected_version is not None and item.expected_version != actual:
                raise ConcurrencyError(item.stream_id, item.expected_version, actual)
            for new in item.events:
                actual += 1
                position += 1
                envelope = self._envelope(new, item.stream_id, actual, position, now, actor, correlation)
                body = envelope.body()
                envelope.prev_hash = prev_hash
                envelope.hash = prev_hash = chain_hash(prev_hash, body)
                planned.append((envelope, body))
            versions[item.stream_id] = actual
        envelopes = [envelope for envelope, _ in planned]
        if effects is not None and envelopes:
            await effects(
                NO_CONNECTION, envelopes
            )  # before anything is kept: a failing effect stores nothing
        self._stored += [(body, e.prev_hash, e.hash, e.stream_id) for e, body in planned]
        self._versions.update(versions)
        self._head = (position, prev_hash)
        if idempotency is not None and envelopes:
            self._answers[idempotency.key] = (idempotency.request_hash, idempotency.answer(envelopes), now)
        for listener in self._listeners:
            listener(envelopes)
        if envelopes:
            self.appended.set()
        return envelopes

    async def append_in(
        self,
        conn: AsyncConnection,
        appends: StreamAppend | Sequence[StreamAppend],
        *,
        actor: str,
        correlation_id: str | None = None,
        idempotency: Idempotency | None = None,
        effects: InlineProjection | None = None,
    ) -> list[Envelope]:
        raise NotImplementedError("appending inside a caller's transaction needs a database")

    async def find_idempotent(self, key: str, request_hash: str) -> IdempotentResult | None:
        stored = self._answers.get(key)
        if stored is None:
            return None
        if stored[0] != request_hash:
            raise IdempotencyConflictError(key)
        return stored[1]

    async def forget_idempotency_keys(self, recorded_before: datetime) -> int:
        old = [key for key, (_, _, at) in self._answers.items() if at < recorded_before]
        for key in old:
            del self._answers[key]
        return len(old)

    async def stream_version(self, stream_id: str) -> int:
        return self._versions.get(stream_id, 0)

    async def read_stream(self, stream_id: str) -> list[Envelope]:
        return [self._decode(row) for row in self._stored if row[3] == stream_id]

    async def read_all(self, after: int = 0, limit: int = 1000) -> list[Envelope]:
        return [self._decode(row) for row in self._stored[after : after + limit]]

    async def head(self) -> tuple[int, str]:
        return self._head

    async def pending_outbox(self) -> int:
        return 0  # no relay runs in memory: nothing waits to be published

    def _decode(self, row: tuple[bytes, str, str, str]) -> Envelope:
        body, prev_hash, hash_, _ = row
        return self.registry.decode(body, prev_hash=prev_hash, hash=hash_)
