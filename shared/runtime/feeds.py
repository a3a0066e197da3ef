"""The projections a service feeds: what each reads, its consumers, and how far behind they are."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nats.js import JetStreamContext

from shared.bus.consumer import Projection, ProjectionConsumer
from shared.bus.keys import BusKeys
from shared.runtime.partitions import Partition
from shared.runtime.rebuild import RebuildableProjection, RebuildProgress
from shared.settings import CommonSettings, ServiceSettings
from shared.store import Database


@dataclass(frozen=True, slots=True)
class Source:
    """A stream a projection reads, optionally filtered (``membership.*.vn.bg.>`` for one province)."""

    stream: str
    filter_subjects: tuple[str, ...] = ()
    partition: str = ""


@dataclass(slots=True)
class ProjectionFeed:
    """A running projection: its consumers (one per source) and the lock they share."""

    projection: Projection
    lock: asyncio.Lock
    consumers: list[ProjectionConsumer] = field(default_factory=list)


def narrowed(source: Source, partition: Partition | None) -> Source:
    """``source`` narrowed to this replica's partition, unless it chose its own filter."""
    if partition is None or source.filter_subjects or source.partition:
        return source
    service = source.stream.lower()
    return Source(source.stream, partition.filter_subjects(service), partition.name)


def feed(
    projection: Projection,
    sources: Sequence[Source],
    lock: asyncio.Lock,
    *,
    db: Database,
    js: JetStreamContext,
    keys: BusKeys,
    settings: ServiceSettings,
    common: CommonSettings,
    partition: Partition | None,
) -> ProjectionFeed:
    """The consumers that feed ``projection`` from ``sources`` (not yet running), sharing ``lock``."""
    fed = ProjectionFeed(projection, lock)
    for source in (narrowed(s, partition) for s in sources):
        consumer = ProjectionConsumer(
            db,
            js,
            projection,
            source.stream,
            service=settings.name,
            keys=keys,
            filter_subjects=source.filter_subjects,
            partition=source.partition,
            lock=lock,
            batch_size=settings.consumer_batch_size,
            max_deliver=common.max_deliver,
            ack_wait=common.ack_wait_seconds,
        )
        consumer.progress.window = common.consumer_stall_seconds
        fed.consumers.append(consumer)
    return fed


def rebuildable(projections: Mapping[str, ProjectionFeed]) -> list[str]:
    """The projections that name the tables they write, so can be rebuilt beside the live one."""
    return [n for n, f in projections.items() if isinstance(f.projection, RebuildableProjection)]


async def projections_report(
    js: JetStreamContext | None,
    projections: Mapping[str, ProjectionFeed],
    rebuilds: Mapping[str, RebuildProgress],
) -> list[dict[str, Any]]:
    """Each projection: per stream its checkpoint and lag (messages not yet applied), and any rebuild."""
    report: list[dict[str, Any]] = []
    for name, fed in sorted(projections.items()):
        streams = []
        for consumer in fed.consumers:
            lag: int | None = None
            if js is not None:
                with contextlib.suppress(Exception):
                    info = await js.consumer_info(consumer.stream, consumer.name)
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
        progress = rebuilds.get(name)
        report.append(
            {
                "projection": name,
                "rebuildable": isinstance(fed.projection, RebuildableProjection),
                "streams": streams,
                "rebuild": progress.summary() if progress is not None else None,
            }
        )
    return report
