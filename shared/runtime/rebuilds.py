"""The rebuilds a service runs now: at most one per projection, started on request, abandoned on stop.

How one rebuild goes (a shadow beside the live projection, swapped in when caught up) is
:mod:`shared.runtime.rebuild`; this module starts them, refuses what cannot be rebuilt and keeps track.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping

import structlog
from nats.js import JetStreamContext

from shared.bus.consumer import Projection, ProjectionConsumer
from shared.bus.keys import BusKeys
from shared.clock import utcnow
from shared.errors import ConflictError, NotFoundError
from shared.runtime.feeds import ProjectionFeed, rebuildable
from shared.runtime.rebuild import RebuildableProjection, RebuildProgress, RebuildReport, ShadowRebuild
from shared.store import Database

log = structlog.get_logger("runtime")


class ProjectionRebuilds:
    """The rebuilds of one service's projections, by projection name."""

    def __init__(self, service: str, db: Database) -> None:
        self.service = service
        self.db = db
        self.running: dict[str, RebuildProgress] = {}
        self._tasks: set[asyncio.Task[RebuildReport]] = set()

    async def rebuild(
        self,
        projections: Mapping[str, ProjectionFeed],
        projection_name: str,
        js: JetStreamContext | None,
        keys: BusKeys | None,
    ) -> RebuildReport:
        """Rebuild ``projection_name`` and answer its report: 404 unknown, 409 not rebuildable or busy."""
        fed = projections.get(projection_name)
        if fed is None:
            raise NotFoundError(
                f"projection {projection_name!r} does not run in this service",
                rule="unknown_projection",
                field="projection",
                value=projection_name,
                accepted=", ".join(sorted(projections)) or "none here",
            )
        projection = fed.projection
        if not isinstance(projection, RebuildableProjection):
            raise ConflictError(
                f"projection {projection_name!r} does not name the tables it writes, so it cannot be rebuilt",
                rule="not_rebuildable",
                field="projection",
                value=projection_name,
                accepted=", ".join(sorted(rebuildable(projections))) or "none here",
            )
        if projection_name in self.running:
            raise ConflictError(
                f"projection {projection_name!r} is being rebuilt already",
                rule="rebuild_in_progress",
                field="projection",
                value=projection_name,
                accepted="one rebuild of a projection at a time",
            )
        assert js is not None and keys is not None, "the service is not started"
        progress = RebuildProgress(projection=projection_name, started_at=utcnow().isoformat())
        self.running[projection_name] = progress

        def shadow_consumer(
            db: Database, projection: Projection, live: ProjectionConsumer, lock: asyncio.Lock
        ) -> ProjectionConsumer:
            """A consumer like ``live`` (same stream, filter and partition) feeding the rebuild."""
            return ProjectionConsumer(
                db,
                js,
                projection,
                live.stream,
                service=self.service,
                keys=keys,
                filter_subjects=live.filter_subjects,
                partition=live.checkpoint_key[len(live.stream) + 1 :],
                durable="rebuild",
                lock=lock,
                batch_size=live.batch_size,
                max_deliver=live.max_deliver,
                ack_wait=live.ack_wait,
            )

        job = ShadowRebuild(self.db, js, projection, fed.consumers, fed.lock, shadow_consumer, progress)
        task = asyncio.create_task(job.run(), name=f"{self.service}:rebuild:{projection_name}")
        self._tasks.add(task)
        log.info("rebuild.started", service=self.service, projection=projection_name)
        try:
            # Shielded: a client that goes away does not abandon the rebuild half way.
            return await asyncio.shield(task)
        finally:
            if task.done():
                self._tasks.discard(task)
                self.running.pop(projection_name, None)
            else:
                task.add_done_callback(lambda t: self._done(projection_name, t))

    def _done(self, projection_name: str, task: asyncio.Task[RebuildReport]) -> None:
        self._tasks.discard(task)
        self.running.pop(projection_name, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("rebuild.failed", projection=projection_name, error=repr(task.exception()))

    async def abandon(self) -> None:
        """Cancel every rebuild: each drops its shadow; the live projections are as they were."""
        for rebuild in list(self._tasks):
            rebuild.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await rebuild
