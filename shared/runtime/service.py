"""One service process: its database and event store, its NATS connection, relay and consumers.

The HTTP API (FastAPI) holds a runtime in ``app.state.runtime`` and starts and
stops it with the application's lifespan. Its jobs beside starting and stopping live beside it: the
projections it feeds (:mod:`shared.runtime.feeds`), their rebuilds (:mod:`shared.runtime.rebuilds`),
its background tasks (:mod:`shared.runtime.tasks`) and its health report (:mod:`shared.runtime.health`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable, Sequence
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
from shared.checkpoints.keys import load_checkpoint_key
from shared.migrations import SchemaHistory, migrate_on_start
from shared.orgtree import OrgTreeProjection, UnitDirectory
from shared.runtime.checkpointing import sign_periodically
from shared.runtime.feeds import ProjectionFeed, Source, feed, projections_report, rebuildable
from shared.runtime.health import health_report
from shared.runtime.leadership import run_as_leader
from shared.runtime.metrics import Counters
from shared.runtime.partitions import Partition, parse_partition
from shared.runtime.rebuild import RebuildProgress, RebuildReport
from shared.runtime.rebuilds import ProjectionRebuilds
from shared.runtime.retention import forget_old_idempotency_keys
from shared.runtime.tasks import BackgroundTasks
from shared.settings import CommonSettings, ServiceSettings
from shared.store import Database, EventStore
from shared.store.schema import consumer_metadata
from shared.store.schema import metadata as store_metadata

__all__ = ["ProjectionFeed", "ServiceRuntime", "Source"]

log = structlog.get_logger("runtime")


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
        self._rebuilds = ProjectionRebuilds(self.name, self.db)
        self.rebuilds: dict[str, RebuildProgress] = self._rebuilds.running
        self._pending_projections: list[tuple[Projection, Sequence[Source], asyncio.Lock | None]] = []
        self._background: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        self._tasks = BackgroundTasks(self.name)
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
        self.health_fields: dict[str, Callable[[], Awaitable[object]]] = {}
        if org_tree_sources:
            self.add_projection(OrgTreeProjection(), org_tree_sources)
        self.add_task(
            "idempotency-retention",
            functools.partial(
                forget_old_idempotency_keys, self.store, self.name, common.idempotency_retention_hours
            ),
        )

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

    def add_health_field(self, name: str, read: Callable[[], Awaitable[object]]) -> None:
        """Show ``name`` in /healthz, as ``read()`` says it: a warning an operator should see (no mail
        server), which never makes the service degraded."""
        self.health_fields[name] = read

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
            self._tasks.spawn(run_as_leader(self.db, f"relay:{self.name}", self.relay.run), "relay")
            if self.common.checkpoint_interval_seconds > 0:
                self._tasks.spawn(
                    run_as_leader(
                        self.db,
                        f"checkpoints:{self.name}",
                        functools.partial(
                            sign_periodically,
                            self.store,
                            self.js,
                            load_checkpoint_key(self.settings, self.common),
                            self.common.checkpoint_interval_seconds,
                        ),
                    ),
                    "checkpoints",
                )
        for projection, sources, shared_lock in self._pending_projections:
            fed = feed(
                projection,
                sources,
                shared_lock or asyncio.Lock(),
                db=self.db,
                js=self.js,
                keys=self.bus_keys,
                settings=self.settings,
                common=self.common,
                partition=self.partition,
            )
            for consumer in fed.consumers:
                self.consumers.append(consumer)
                self._tasks.spawn(consumer.run(), consumer.name)
            self.projections[projection.name] = fed
        for name, task in self._background:
            self._tasks.spawn(task(), name)
        self.started.set()
        log.info(
            "service.started",
            service=self.name,
            nats=url,
            database=self.db.url.render_as_string(),
            partition=self.partition.name if self.partition else None,
        )

    async def stop(self) -> None:
        await self._tasks.stop()
        await self._rebuilds.abandon()
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
        return await health_report(self)

    def task_states(self) -> dict[str, str]:
        """Each background task by name: ``running``, ``failed`` or ``stopped``."""
        return {name: self._tasks.state(name) for name, _ in self._background}

    def consumer(self, name: str) -> ProjectionConsumer | None:
        return next((c for c in self.consumers if c.name == name), None)

    async def rebuild(self, projection_name: str) -> RebuildReport:
        """Rebuild a projection from its streams beside the live one, and swap it in when caught up.

        See :mod:`shared.runtime.rebuild`. 404 for a projection this service does not run, 409 if
        it does not name its tables or is being rebuilt already. Stopping the service abandons the
        rebuild (its shadow is dropped; the live projection is as it was).
        """
        return await self._rebuilds.rebuild(self.projections, projection_name, self.js, self.bus_keys)

    def rebuildable(self) -> list[str]:
        return rebuildable(self.projections)

    async def projections_report(self) -> list[dict[str, Any]]:
        """Each projection: per stream its checkpoint and lag (messages not yet applied), and any rebuild."""
        return await projections_report(self.js, self.projections, self.rebuilds)
