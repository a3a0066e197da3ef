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
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import utcnow
from shared.events import REGISTRY, Envelope, EventRegistry, NewEvent
from shared.store.appending import (
    ANY_VERSION,
    NO_STREAM,
    AppendRequest,
    Head,
    Idempotency,
    IdempotentResult,
    InlineProjection,
    StreamAppend,
    chain_hash,
    read_and_plan,
    stored_answers,
    write_planned,
)
from shared.store.database import Database
from shared.store.errors import IdempotencyConflictError
from shared.store.reading import HistoryReader
from shared.store.schema import GENESIS_HASH, chain_head, idempotency, metadata
from shared.store.writers import FastWriter, fast_writer

__all__ = [
    "ANY_VERSION",
    "NO_STREAM",
    "EventStore",
    "Idempotency",
    "IdempotentResult",
    "StreamAppend",
    "chain_hash",
]


class _IsolateError(Exception):
    """A shared write of the group failed: redo the group with one savepoint per request."""


class EventStore(HistoryReader):
    """The history of one service: append with optimistic concurrency, read, and wake the relay."""

    def __init__(self, db: Database, service: str, registry: EventRegistry = REGISTRY) -> None:
        self.db = db
        self.service = service
        self.registry = registry
        self.appended = asyncio.Event()
        self._inline: list[InlineProjection] = []
        self._queue: list[AppendRequest] = []
        self._group_lock = asyncio.Lock()
        # Appends in a rebuild's shadow schema take the general path (its tables are translated there).
        self._fast: FastWriter | None = None if db.shadow else fast_writer(db.engine.dialect)

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
        effects: InlineProjection | None = None,
    ) -> list[Envelope]:
        """Append events to one or more streams atomically, with their outbox entries.

        ``effects`` writes, in the same transaction, what a command keeps beside its
        events but never in them (e.g. an officer's e-mail address, which must be
        erasable); it is called with this append's envelopes.

        Raises :class:`ConcurrencyError` when a stream is not at its expected version,
        :class:`IdempotencyConflictError` when the key was used for another request;
        then nothing of the attempt is stored. A retry under an ``Idempotency-Key``
        already answered returns ``[]`` and sets ``idempotency.replay``.

        Appends that arrive while a transaction is in progress are committed
        together in the next one (group commit); each is decided on its own.
        """
        request = AppendRequest.of(appends, actor, correlation_id, idempotency, effects)
        self._queue.append(request)
        async with self._group_lock:
            if not request.done.done():
                group, self._queue = self._queue, []
                await self._commit_group(group)
        return await request.done

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
        """Append inside a write transaction the caller holds (e.g. a projection's, so that the
        events it emits are stored exactly when its read model and checkpoint are).

        The caller sets :attr:`appended` after committing, to wake the relay at once.
        """
        request = AppendRequest.of(appends, actor, correlation_id, idempotency, effects)
        head = await self._write_group(conn, [request], await self._lock_head(conn))
        await conn.execute(
            update(chain_head).where(chain_head.c.id == 1).values(position=head[0], hash=head[1])
        )
        return request.envelopes

    async def _commit_group(self, group: list[AppendRequest]) -> None:
        try:
            try:
                await self._commit(group, isolate=False)
            except _IsolateError:
                for request in group:
                    request.envelopes, request.error = [], None
                await self._commit(group, isolate=True)
        except BaseException as exc:
            for request in group:
                if not request.done.done():
                    request.done.set_exception(exc)
            if isinstance(exc, Exception):
                return
            raise
        for request in group:
            if request.error is not None:
                request.done.set_exception(request.error)
            else:
                request.done.set_result(request.envelopes)
        if any(request.envelopes for request in group):
            self.appended.set()

    async def _commit(self, group: list[AppendRequest], *, isolate: bool) -> None:
        fast = self._fast is not None and not isolate
        async with self.db.transaction(begun_by_caller=fast) as conn:
            if self._fast is not None and fast:
                try:
                    plan = await self._fast.write(conn, group, self._envelope, utcnow())
                    if len(group) == 1 and group[0].error is not None:
                        raise group[0].error
                    await self._after_write(conn, group, plan.envelopes)
                except Exception:
                    if len(group) == 1:
                        raise
                    raise _IsolateError() from None
                return
            head = await self._lock_head(conn)
            if isolate:
                for request in group:
                    try:
                        async with conn.begin_nested():
                            head = await self._write_group(conn, [request], head)
                    except Exception as exc:
                        request.envelopes, request.error = [], exc
            else:
                try:
                    head = await self._write_group(conn, group, head)
                except Exception:
                    if len(group) == 1:
                        raise
                    raise _IsolateError() from None
            await conn.execute(
                update(chain_head).where(chain_head.c.id == 1).values(position=head[0], hash=head[1])
            )

    async def _write_group(self, conn: AsyncConnection, group: list[AppendRequest], head: Head) -> Head:
        plan = await read_and_plan(conn, group, head, self._envelope, utcnow())
        if len(group) == 1 and group[0].error is not None:
            raise group[0].error
        await write_planned(conn, plan)
        await self._after_write(conn, group, plan.envelopes)
        return plan.head

    async def _after_write(
        self, conn: AsyncConnection, group: list[AppendRequest], envelopes: list[Envelope]
    ) -> None:
        """The inline projections of what the group appended, then each request's own effects."""
        if envelopes:
            for projection in self._inline:
                await projection(conn, envelopes)
        for request in group:
            if request.effects is not None and request.envelopes:
                await request.effects(conn, request.envelopes)

    async def _lock_head(self, conn: AsyncConnection) -> Head:
        row = (await conn.execute(select(chain_head.c.position, chain_head.c.hash).with_for_update())).one()
        return int(row.position), str(row.hash)

    def _envelope(
        self,
        new: NewEvent,
        stream_id: str,
        version: int,
        position: int,
        recorded_at: datetime,
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

    async def find_idempotent(self, key: str, request_hash: str) -> IdempotentResult | None:
        """The answer already given for ``key``, or None; a different request under it is refused."""
        async with self.db.read() as conn:
            stored = (await stored_answers(conn, [key])).get(key)
        if stored is None:
            return None
        if stored[0] != request_hash:
            raise IdempotencyConflictError(key)
        return stored[1]

    async def forget_idempotency_keys(self, recorded_before: datetime) -> int:
        """Forget the answers to idempotent requests recorded before ``recorded_before``; how many.

        A client retries within minutes; a key kept for ever would make the table grow with every
        command. A request repeated after its key is forgotten is treated as a new request.
        """
        async with self.db.transaction() as conn:
            result = await conn.execute(delete(idempotency).where(idempotency.c.created_at < recorded_before))
        return int(result.rowcount or 0)
