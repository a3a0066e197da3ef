"""A full rebuild of evaluation from history: the demo history relayed to JetStream, then consumed
from the first event into an empty database by evaluation's facts projection (events/s)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from nats.js import JetStreamContext

from bench.infra import sqlite_url
from bench.profile import Profile
from bench.relay import drain
from bench.seals import UnsealedConsumer, UnsealedRelay
from chudong.demo.direct import SERVICES, DirectLoader
from chudong.demo.generator import DemoEvent
from services.evaluation.adapters.facts_projection import FactsProjection
from services.evaluation.adapters.tables import metadata as evaluation_metadata
from shared.bus.consumer import ProjectionConsumer
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.bus.streams import ensure_streams
from shared.bus.subjects import stream_name
from shared.orgtree import OrgTreeProjection
from shared.store import Database


async def publish_history(
    js: JetStreamContext, events: Iterable[DemoEvent], *, sealed: bool = True
) -> dict[str, int]:
    """Fresh streams holding ``events``, appended to the services' stores and relayed: last sequences."""
    for service in SERVICES:
        await js.delete_stream(stream_name(service))
    await ensure_streams(js, duplicate_window=120)
    async with sqlite_url() as m, sqlite_url() as p, sqlite_url() as e:
        loader = DirectLoader({"membership": m, "planning": p, "evaluation": e})
        await loader.initialise()
        await loader.load(events)
        lasts = {}
        for service in SERVICES:
            relay = (Relay if sealed else UnsealedRelay)(
                loader.dbs[service], js, service, keys=fixed_keys(service)
            )
            await drain(relay)
            lasts[service] = (await js.stream_info(stream_name(service))).state.last_seq
        await loader.close()
    return lasts


async def run(
    js: JetStreamContext,
    events: Iterable[DemoEvent],
    batch_size: int = 500,
    profile: Profile | None = None,
    *,
    sealed: bool = True,
) -> tuple[float, int]:
    """Rebuild rate in events/s over every stream evaluation reads, and how many events.

    ``sealed=False`` relays and consumes with the seals taken out (``bench.seals``), for their cost.
    """
    lasts = await publish_history(js, events, sealed=sealed)
    async with sqlite_url() as view_url:
        view = Database(view_url)
        await view.create_all(evaluation_metadata, OrgTreeProjection.metadata)
        projection = FactsProjection()
        total = sum(lasts.values())
        began = time.perf_counter()
        if profile is not None:
            profile.start()
        # The org tree first (membership), as the live service's shared lock would order it.
        for service in SERVICES:
            consumer = (ProjectionConsumer if sealed else UnsealedConsumer)(
                view,
                js,
                projection,
                stream_name(service),
                service="rebuild",
                keys=fixed_keys("evaluation"),
                batch_size=batch_size,
            )
            await consumer.catch_up(lasts[service], bulk=True)
            await consumer.close()
        elapsed = time.perf_counter() - began
        if profile is not None:
            profile.stop()
        await view.dispose()
    return total / elapsed, total
