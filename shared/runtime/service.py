"""One service process: its database and event store, its NATS connection, relay and consumers.

The HTTP API (FastAPI) holds a runtime in ``app.state.runtime`` and starts and
stops it with the application's lifespan.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext
from sqlalchemy import MetaData

import shared.contracts  # noqa: F401  (registers every event type)
from shared.bus.connection import connect
from shared.bus.consumer import Projection, ProjectionConsumer
from shared.bus.keys import BusKeys, load_bus_keys
from shared.bus.relay import Relay
from shared.bus.streams import ensure_streams
from shared.clock import utcnow
from shared.errors import ConflictError, NotFoundError
from shared.migrations import SchemaHistory, migrate_on_start
from shared.orgtree import OrgTreeProjection, UnitDirectory
from shared.runtime.leadership import run_as_leader
from shared.runtime.metrics import Counters
from shared.runtime.partitions import Partition, parse_partition
from shared.runtime.rebuild import RebuildableProjection, RebuildProgress, RebuildReport, ShadowRebuild
from shared.settings import CommonSettings, ServiceSettings
from shared.store import Database, EventStore
from shared.store.schema import consumer_metadata
from shared.store.schema import metadata as store_metadata

log = structlog.get_logger("runtime")


@dataclass(slots=True)
class ProjectionFeed:
    """A running projection: its consumers (one per source) and the lock they share."""

    projection: Projection
    lock: asyncio.Lock
    consumers: list[ProjectionConsumer] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Source:
    """A stream a projection reads, optionally filtered (``membership.*.vn.bg.>`` for one province)."""

    stream: str
    filter_subjects: tuple[str, ...] = ()
    partition: str = ""


class ServiceRuntime:
    """Everything a service process runs besides its HTTP routes."""

    def __init__(
        self,
        common: CommonSettings,
        settings: ServiceSettings,
        *,
        schema: SchemaHistory | None = None,
        metadatas: Sequence[MetaData] = (),
        org_tree_sources: Sequence[Source] = (),
        relay: bool = True,
    ) -> None:
        self.common = common
        # A read-only service (the dashboard) writes no events, has no stream and so runs no relay.
        self.relays_events = relay
        self.settings = settings
        self.name = settings.name
        self.db = Database(settings.resolved_database_url(common))
        self.store = EventStore(self.db, self.name)
        self.directory = UnitDirectory(self.db)
        self.jwt_secret = common.resolved_jwt_secret()
        # A service's tables are built by its migrations (``schema``); a runtime without a history
        # (tests, tools) creates the tables of the store, the consumers, the org tree and ``metadatas``.
        if schema is not None and metadatas:
            raise ValueError("a service with a schema history declares its tables there, not in metadatas")
        self.schema = schema
        self.metadatas = (
            list(schema.metadatas)
            if schema is not None
            else [store_metadata, consumer_metadata, OrgTreeProjection.metadata, *metadatas]
        )
        self.nc: Client | None = None
        self.js: JetStreamContext | None = None
        self.bus_keys: BusKeys | None = None
        self.relay: Relay | None = None
        self.consumers: list[ProjectionConsumer] = []
        self.projections: dict[str, ProjectionFeed] = {}
        self.rebuilds: dict[str, RebuildProgress] = {}
        self._rebuild_tasks: set[asyncio.Task[RebuildReport]] = set()
        self._pending_projections: list[tuple[Projection, Sequence[Source], asyncio.Lock | None]] = []
        self._background: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.started = asyncio.Event()
        # Replicas of a service split the streams' work by unit path (see shared.runtime.partitions).
        self.partition: Partition | None = parse_partition(settings.partition, settings.partition_name)
        self.counters = Counters()
        if self.partition is not None and self.db.is_sqlite:
            log.warning(
                "partition.on_sqlite",
                service=self.name,
                partition=self.partition.name,
                hint="replicas of a partitioned service must share one PostgreSQL database, or each "
                "holds only its partition's part of the read model",
            )
        self._on_start: list[Callable[[], Awaitable[None]]] = []
        if org_tree_sources:
            self.add_projection(OrgTreeProjection(), org_tree_sources)
        self.add_task("idempotency-retention", self._forget_old_idempotency_keys)

    def add_projection(
        self, projection: Projection, sources: Sequence[Source], *, lock: asyncio.Lock | None = None
    ) -> None:
        """Feed ``projection`` from ``sources`` once started; its consumers share one lock.

        Pass ``lock`` to share it with other work on the same read model (e.g. a periodic task).
        """
        self._pending_projections.append((projection, sources, lock))

    def add_task(self, name: str, task: Callable[[], Awaitable[None]], *, singleton: bool = False) -> None:
        """Run ``task()`` in the background once started (after the relay and consumers), until stopped.

        A task that ends with an error is logged and shows as ``failed`` in the health report.
        ``singleton``: across the service's replicas sharing a database, only one runs it at a time
        (the holder of an advisory lock named after the service and task, like the relay), e.g. the
        work that sends what is due or evaluates what changed.
        """
        if singleton:
            work = task

            async def task() -> None:
                await run_as_leader(self.db, f"{self.name}:{name}", work)

        self._background.append((name, task))

    def on_start(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run ``hook`` once the database is ready, before NATS is connected (e.g. seed data)."""
        self._on_start.append(hook)

    async def start(self) -> None:
        if self.schema is not None:
            await migrate_on_start(self.db, self.schema, upgrade=self.common.migrate_on_start)
        else:
            await self.db.create_all(*self.metadatas)
        await self.store.initialise()
        for hook in self._on_start:
            await hook()
        self.bus_keys = load_bus_keys(self.settings, self.common)
        url = self.common.nats_url or "nats://127.0.0.1:4222"
        password = self.settings.nats_password
        self.nc = await connect(
            url,
            name=f"chudong-{self.name}",
            user=self.settings.nats_user,
            password=password.get_secret_value() if password else None,
        )
        self.js = self.nc.jetstream()
        if self.common.manage_streams:
            await ensure_streams(
                self.js,
                replicas=self.common.stream_replicas,
                duplicate_window=self.common.dedup_window_seconds,
            )
        if self.relays_events:
            self.relay = Relay(
                self.db,
                self.js,
                self.name,
                keys=self.bus_keys,
                wake=self.store.appended,
                batch_size=self.settings.relay_batch_size,
            )
            self.relay.progress.window = self.common.relay_stall_seconds
            # Replicas share the outbox: one relay at a time, the one holding the service's lock.
            self._spawn(run_as_leader(self.db, f"relay:{self.name}", self.relay.run), "relay")
        for projection, sources, shared_lock in self._pending_projections:
            lock = shared_lock or asyncio.Lock()
            feed = ProjectionFeed(projection, lock)
            for source in map(self._partitioned, sources):
                consumer = ProjectionConsumer(
                    self.db,
                    self.js,
                    projection,
                    source.stream,
                    service=self.name,
                    keys=self.bus_keys,
                    filter_subjects=source.filter_subjects,
                    partition=source.partition,
                    lock=lock,
                    batch_size=self.settings.consumer_batch_size,
                    max_deliver=self.common.max_deliver,
                    ack_wait=self.common.ack_wait_seconds,
                )
                consumer.progress.window = self.common.consumer_stall_seconds
                self.consumers.append(consumer)
                feed.consumers.append(consumer)
                self._spawn(consumer.run(), consumer.name)
            self.projections[projection.name] = feed
        for name, task in self._background:
            self._spawn(task(), name)
        self.started.set()
        log.info(
            "service.started",
            service=self.name,
            nats=url,
            database=self.db.url.render_as_string(),
            partition=self.partition.name if self.partition else None,
        )

    async def _forget_old_idempotency_keys(self) -> None:
        """Every so often, forget the answers to idempotent requests older than the retention."""
        retention = timedelta(hours=self.common.idempotency_retention_hours)
        every = min(retention.total_seconds() / 4, 3600.0)
        while True:
            try:
                forgotten = await self.store.forget_idempotency_keys(utcnow() - retention)
                if forgotten:
                    log.info("idempotency.keys_forgotten", service=self.name, count=forgotten)
            except Exception as exc:  # the database may be down for a while: try again next round
                log.warning("idempotency.retention_failed", service=self.name, error=str(exc))
            await asyncio.sleep(every)

    def _partitioned(self, source: Source) -> Source:
        """``source`` narrowed to this replica's partition, unless it chose its own filter."""
        if self.partition is None or source.filter_subjects or source.partition:
            return source
        service = source.stream.lower()
        return Source(source.stream, self.partition.filter_subjects(service), self.partition.name)

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.create_task(coro, name=f"{self.name}:{name}")
        task.add_done_callback(self._on_task_done)
        self._tasks.append(task)

    def _on_task_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("service.task_failed", task=task.get_name(), error=repr(task.exception()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        # A task can swallow one cancellation (asyncio.wait_for on Python 3.11 does when what it
        # awaits completes at the same moment, in our code or a library's): cancel again until it ends.
        pending = set(self._tasks)
        while pending:
            _, pending = await asyncio.wait(pending, timeout=1.0)
            for task in pending:
                task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        for rebuild in list(self._rebuild_tasks):
            rebuild.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await rebuild
        for consumer in self.consumers:
            await consumer.close()
        self.consumers.clear()
        if self.nc is not None and not self.nc.is_closed:
            with contextlib.suppress(Exception):
                await self.nc.drain()
        await self.db.dispose()
        log.info("service.stopped", service=self.name)

    async def health(self) -> dict[str, Any]:
        """Up or degraded, and why: kept cheap (one ping, one count; no request to NATS)."""
        database = await self.db.ping()
        nats_ok = self.nc is not None and self.nc.is_connected
        outbox = await self.store.pending_outbox() if database else None
        tasks = {name: self._task_state(f"{self.name}:{name}") for name, _ in self._background}
        tasks_ok = all(state == "running" for state in tasks.values()) or not self.started.is_set()
        problems = self._problems(outbox)
        return {
            "service": self.name,
            "status": "ok" if database and nats_ok and tasks_ok and not problems else "degraded",
            "problems": problems,
            "partition": self.partition.name if self.partition else None,
            "database": "ok" if database else "unavailable",
            "nats": "ok" if nats_ok else "unavailable",
            "outbox_pending": outbox,
            "relay": None
            if self.relay is None
            else {
                "published": self.relay.published,
                "last_sequence": self.relay.last_sequence,
                "halted": self.relay.halted,
            },
            "tasks": tasks,
            "consumers": {
                c.name: {
                    "checkpoint": c.checkpoint,
                    "applied": c.applied,
                    "skipped": c.skipped,
                    "dead_lettered": c.dead_lettered,
                    "refused": dict(c.refused),
                }
                for c in self.consumers
            },
        }

    def _problems(self, outbox: int | None) -> list[str]:
        """A relay halted, stuck or falling behind, and consumers stuck or falling behind, each with why."""
        problems: list[str] = []
        relay = self.relay  # judged where it runs: among replicas, the one holding the relay's lock
        if relay is not None and relay.active:
            trouble = relay.progress.trouble(backlog=outbox)
            if relay.halted is not None:
                problems.append(f"relay halted: {relay.halted}")
            elif trouble is not None:
                problems.append(f"relay of {relay.stream}: {trouble}")
        for consumer in self.consumers:
            trouble = consumer.progress.trouble()
            if trouble is not None:
                problems.append(f"consumer {consumer.name} at sequence {consumer.checkpoint}: {trouble}")
        return problems

    def _task_state(self, task_name: str) -> str:
        task = next((t for t in self._tasks if t.get_name() == task_name), None)
        if task is None:
            return "stopped"
        if not task.done():
            return "running"
        return "failed" if not task.cancelled() and task.exception() is not None else "stopped"

    def consumer(self, name: str) -> ProjectionConsumer | None:
        return next((c for c in self.consumers if c.name == name), None)

    async def rebuild(self, projection_name: str) -> RebuildReport:
        """Rebuild a projection from its streams beside the live one, and swap it in when caught up.

        See :mod:`shared.runtime.rebuild`. 404 for a projection this service does not run, 409 if
        it does not name its tables or is being rebuilt already. Stopping the service abandons the
        rebuild (its shadow is dropped; the live projection is as it was).
        """
        feed = self.projections.get(projection_name)
        if feed is None:
            raise NotFoundError(
                f"projection {projection_name!r} does not run in this service",
                rule="unknown_projection",
                field="projection",
                value=projection_name,
                accepted=", ".join(sorted(self.projections)) or "none here",
            )
        projection = feed.projection
        if not isinstance(projection, RebuildableProjection):
            raise ConflictError(
                f"projection {projection_name!r} does not name the tables it writes, so it cannot be rebuilt",
                rule="not_rebuildable",
                field="projection",
                value=projection_name,
                accepted=", ".join(sorted(self.rebuildable())) or "none here",
            )
        if projection_name in self.rebuilds:
            raise ConflictError(
                f"projection {projection_name!r} is being rebuilt already",
                rule="rebuild_in_progress",
                field="projection",
                value=projection_name,
                accepted="one rebuild of a projection at a time",
            )
        assert self.js is not None, "the service is not started"
        progress = RebuildProgress(projection=projection_name, started_at=utcnow().isoformat())
        self.rebuilds[projection_name] = progress
        job = ShadowRebuild(
            self.db, self.js, projection, feed.consumers, feed.lock, self._shadow_consumer, progress
        )
        task = asyncio.create_task(job.run(), name=f"{self.name}:rebuild:{projection_name}")
        self._rebuild_tasks.add(task)
        log.info("rebuild.started", service=self.name, projection=projection_name)
        try:
            # Shielded: a client that goes away does not abandon the rebuild half way.
            return await asyncio.shield(task)
        finally:
            if task.done():
                self._rebuild_tasks.discard(task)
                self.rebuilds.pop(projection_name, None)
            else:
                task.add_done_callback(lambda t: self._rebuild_done(projection_name, t))

    def _rebuild_done(self, projection_name: str, task: asyncio.Task[RebuildReport]) -> None:
        self._rebuild_tasks.discard(task)
        self.rebuilds.pop(projection_name, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("rebuild.failed", projection=projection_name, error=repr(task.exception()))

    def rebuildable(self) -> list[str]:
        return [n for n, f in self.projections.items() if isinstance(f.projection, RebuildableProjection)]

    def _shadow_consumer(
        self, db: Database, projection: Projection, live: ProjectionConsumer, lock: asyncio.Lock
    ) -> ProjectionConsumer:
        """A consumer like ``live`` (same stream, filter and partition) feeding a rebuild."""
        assert self.js is not None and self.bus_keys is not None
        return ProjectionConsumer(
            db,
            self.js,
            projection,
            live.stream,
            service=self.name,
            keys=self.bus_keys,
            filter_subjects=live.filter_subjects,
            partition=live.checkpoint_key[len(live.stream) + 1 :],
            durable="rebuild",
            lock=lock,
            batch_size=live.batch_size,
            max_deliver=live.max_deliver,
            ack_wait=live.ack_wait,
        )

    async def projections_report(self) -> list[dict[str, Any]]:
        """Each projection: per stream its checkpoint and lag (messages not yet applied), and any rebuild."""
        report: list[dict[str, Any]] = []
        for name, feed in sorted(self.projections.items()):
            streams = []
            for consumer in feed.consumers:
                lag: int | None = None
                if self.js is not None:
                    with contextlib.suppress(Exception):
                        info = await self.js.consumer_info(consumer.stream, consumer.name)
                        lag = int(info.num_pending or 0) + int(info.num_ack_pending or 0)
                streams.append(
                    {
                        "consumer": consumer.name,
                        "stream": consumer.stream,
                        "checkpoint_key": consumer.checkpoint_key,
                        "checkpoint": consumer.checkpoint,
                        "lag": lag,
                    }
                )
            progress = self.rebuilds.get(name)
            report.append(
                {
                    "projection": name,
                    "rebuildable": isinstance(feed.projection, RebuildableProjection),
                    "streams": streams,
                    "rebuild": progress.summary() if progress is not None else None,
                }
            )
        return report
