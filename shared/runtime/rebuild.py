"""Rebuilding a projection beside the live one, and swapping it in when it has caught up.

A *shadow rebuild* feeds a new instance of the projection from sequence 1 of each
of its streams into a shadow copy of its tables, while the live projection goes
on serving and consuming:

- The shadow is a schema ``rebuild_<projection>``: on PostgreSQL a schema of the
  service's database, on SQLite a file beside it, attached to every connection of
  the rebuild's engine. The rebuild's connections carry
  ``schema_translate_map={None: <shadow>}``, so the projection's own code writes
  there unchanged. Its checkpoints are kept in the shadow too.
- When the shadow is within a batch of the live checkpoint of every stream, the
  projection's lock is taken (its live consumers and any task sharing the lock
  stop), the shadow catches up to the live checkpoints, and in one transaction of
  the service's database the live tables' rows are replaced by the shadow's
  (DELETE, then INSERT … SELECT, in foreign-key order), the live checkpoints are
  set to the shadow's, and the projection's ``after_swap`` hook runs. Readers see
  the old model until that commit and the new one after.
- The shadow (schema or file, and its durable consumers) is dropped, whether the
  rebuild succeeded or not.

A projection takes part by declaring the tables it writes (``tables``). It is
rebuilt by a new instance of its class (``type(projection)()``), or by
``projection.fresh()`` when its constructor needs arguments.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import structlog
from nats.js import JetStreamContext
from sqlalchemy import Table, column, delete, func, insert, select, table, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.ddl import sort_tables

from shared.bus.consumer import Projection, ProjectionConsumer
from shared.store.database import Database
from shared.store.schema import consumer_metadata, projection_checkpoints

log = structlog.get_logger("rebuild")


@runtime_checkable
class RebuildableProjection(Protocol):
    """A projection that names the tables it writes: it can be rebuilt in a shadow and swapped in."""

    name: str
    tables: Sequence[Table]

    async def apply(self, conn: AsyncConnection, event: Any) -> None: ...


@runtime_checkable
class AfterSwap(Protocol):
    """A projection with work to do in the swap's transaction, after its tables were replaced."""

    async def after_swap(self, conn: AsyncConnection) -> None: ...


@dataclass(slots=True)
class RebuildProgress:
    """A rebuild in progress, as ``GET /admin/projections`` shows it."""

    projection: str
    started_at: str
    phase: str = "preparing"  # preparing, rebuilding, catching_up, swapping, dropping
    checkpoints: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "phase": self.phase,
            "checkpoints": dict(self.checkpoints),
        }


@dataclass(frozen=True, slots=True)
class RebuildReport:
    """What a rebuild did: events applied to the shadow, how long it took, the rows swapped in per table."""

    projection: str
    events_applied: int
    seconds: float
    rows: dict[str, int]
    checkpoints: dict[str, int]

    def summary(self) -> dict[str, Any]:
        return {
            "projection": self.projection,
            "events_applied": self.events_applied,
            "seconds": round(self.seconds, 3),
            "rows": dict(self.rows),
            "checkpoints": dict(self.checkpoints),
        }


def shadow_schema(projection: str) -> str:
    """``rebuild_<projection>``, as a schema name (letters, digits and underscores, lower case)."""
    return "rebuild_" + re.sub(r"[^a-z0-9_]", "_", projection.lower())


def fresh_instance(projection: Projection) -> Projection:
    """A new instance of ``projection``'s class, with no state of its own."""
    fresh = getattr(projection, "fresh", None)
    if callable(fresh):
        made: Projection = fresh()
        return made
    made = type(projection)()
    return made


MakeConsumer = Callable[[Database, Projection, ProjectionConsumer, asyncio.Lock], ProjectionConsumer]


class ShadowRebuild:
    """One rebuild of one projection: see the module's description."""

    def __init__(
        self,
        db: Database,
        js: JetStreamContext,
        projection: RebuildableProjection,
        live: Sequence[ProjectionConsumer],
        lock: asyncio.Lock,
        make_consumer: MakeConsumer,
        progress: RebuildProgress,
    ) -> None:
        self.db = db
        self.js = js
        self.projection = projection
        self.live = list(live)
        self.lock = lock
        self.make_consumer = make_consumer
        self.progress = progress
        self.schema = shadow_schema(projection.name)
        self.tables: list[Table] = sort_tables(projection.tables)
        self.shadow: Database | None = None
        self.consumers: list[ProjectionConsumer] = []

    async def run(self) -> RebuildReport:
        began = time.perf_counter()
        try:
            await self._prepare()
            assert self.shadow is not None
            own_lock = asyncio.Lock()
            replica = fresh_instance(self.projection)
            self.consumers = [self.make_consumer(self.shadow, replica, c, own_lock) for c in self.live]
            self.progress.phase = "rebuilding"
            await self._follow()
            self.progress.phase = "catching_up"
            async with self.lock:
                for shadow, live in zip(self.consumers, self.live, strict=True):
                    await shadow.catch_up(live.checkpoint, bulk=True)
                    self._note(shadow)
                self.progress.phase = "swapping"
                rows = await self._swap()
                for shadow, live in zip(self.consumers, self.live, strict=True):
                    live.checkpoint = shadow.checkpoint
            report = RebuildReport(
                projection=self.projection.name,
                events_applied=sum(c.applied for c in self.consumers),
                seconds=time.perf_counter() - began,
                rows=rows,
                checkpoints={c.checkpoint_key: c.checkpoint for c in self.consumers},
            )
            log.info("rebuild.swapped", **report.summary())
            return report
        finally:
            self.progress.phase = "dropping"
            await self._drop()

    async def _follow(self) -> None:
        """Feed the shadow until it is within a batch of the live checkpoint of every stream."""
        while True:
            behind = False
            for shadow, live in zip(self.consumers, self.live, strict=True):
                if live.checkpoint - shadow.checkpoint > shadow.batch_size:
                    behind = True
                    await shadow.catch_up(live.checkpoint - shadow.batch_size, bulk=True)
                    self._note(shadow)
            if not behind:
                return

    def _note(self, shadow: ProjectionConsumer) -> None:
        self.progress.checkpoints[shadow.checkpoint_key] = shadow.checkpoint

    async def _prepare(self) -> None:
        """An empty shadow: the schema (or attached file) with the projection's and the consumers' tables."""
        await self._drop_shadow_storage()
        if not self.db.is_sqlite:
            async with self.db.transaction() as conn:
                await conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        self.shadow = Database(
            self.db.url.render_as_string(hide_password=False), pool_size=2, shadow=self.schema
        )
        async with self.shadow.transaction() as conn:
            await conn.run_sync(self._create_tables)
            await conn.run_sync(consumer_metadata.create_all)

    def _create_tables(self, sync: Any) -> None:
        for shadow_table in self.tables:
            shadow_table.create(sync, checkfirst=True)

    async def _swap(self) -> dict[str, int]:
        """Replace the live rows by the shadow's, and the live checkpoints by the shadow's, in one transaction."""
        assert self.shadow is not None
        rows: dict[str, int] = {}
        name = self.projection.name
        checkpoints_shadow = _plain(projection_checkpoints, self.schema)
        async with self._exclusive(), self.shadow.transaction() as translated:
            # Unqualified tables are the live ones from here on; the shadow's are named with their schema.
            conn = await translated.execution_options(schema_translate_map=None)
            for live in reversed(self.tables):
                await conn.execute(delete(live))
            for live in self.tables:
                names = [c.name for c in live.columns]
                source = _plain(live, self.schema)
                await conn.execute(insert(live).from_select(names, select(*[source.c[n] for n in names])))
                rows[live.name] = int(
                    (await conn.execute(select(func.count()).select_from(live))).scalar_one()
                )
            await conn.execute(
                delete(projection_checkpoints).where(projection_checkpoints.c.projection == name)
            )
            names = [c.name for c in projection_checkpoints.columns]
            await conn.execute(
                insert(projection_checkpoints).from_select(
                    names,
                    select(*[checkpoints_shadow.c[n] for n in names]).where(
                        checkpoints_shadow.c.projection == name
                    ),
                )
            )
            if isinstance(self.projection, AfterSwap):
                await self.projection.after_swap(conn)
        return rows

    @contextlib.asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[None]:
        """On SQLite, the service's own writers wait in-process while the swap writes its database."""
        if self.db.is_sqlite:
            async with self.db.write_lock:
                yield
        else:
            yield

    async def _drop(self) -> None:
        for consumer in self.consumers:
            await consumer.close()
            with contextlib.suppress(Exception):
                await self.js.delete_consumer(consumer.stream, consumer.name)
        if self.shadow is not None:
            await self.shadow.dispose()
            self.shadow = None
        try:
            await self._drop_shadow_storage()
        except Exception as exc:  # the next rebuild drops it first anyway
            log.warning("rebuild.drop_failed", projection=self.projection.name, error=str(exc))

    async def _drop_shadow_storage(self) -> None:
        if self.db.is_sqlite:
            base = self.db.url.database
            if base:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(f"{base}.{self.schema}{suffix}")
            return
        async with self.db.transaction() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))


def _plain(source: Table, schema: str) -> Any:
    """``source`` named in ``schema``: a lightweight table clause, untouched by any schema translation."""
    return table(source.name, *[column(c.name) for c in source.columns], schema=schema)
