"""Loading a demo history straight into the services' stores (for the large scales).

Each event is appended to its owning service's event store, in that service's database,
with the service's own inline read models and the outbox in the same transaction, exactly as
the service's command handlers append; personal fields are sealed under per-person keys kept in
membership's key table. The running services' relays then publish the outbox to JetStream, and
every consumer (evaluation included) sees the same events it would have seen from HTTP commands.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection

from chudong.demo.generator import DemoEvent
from chudong.migrations import SCHEMAS
from services.membership.adapters import keys
from services.membership.adapters.read_models import MembershipReadModels
from services.planning.adapters.read_models import PlanningReadModels
from shared.contracts import membership as ms
from shared.events import Envelope, NewEvent
from shared.migrations import migrate
from shared.store import Database, EventStore
from shared.store.appending import StreamAppend

ACTOR = "demo"
SERVICES = ("membership", "planning", "evaluation")


@dataclass
class _Pending:
    events: list[NewEvent] = field(default_factory=list)
    sealer: keys.Sealer = field(default_factory=lambda: keys.Sealer({}))


class DirectLoader:
    """Appends demo events to each service's store in batches; ``urls`` maps service → database URL."""

    def __init__(self, urls: dict[str, str], *, batch: int = 2000) -> None:
        self.dbs = {name: Database(urls[name]) for name in SERVICES}
        self.stores = {name: EventStore(db, name) for name, db in self.dbs.items()}
        self.stores["membership"].add_inline_projection(MembershipReadModels())
        self.stores["planning"].add_inline_projection(PlanningReadModels())
        self.batch = batch
        self.pending = {name: _Pending() for name in SERVICES}
        self.loaded = 0

    async def initialise(self) -> None:
        for name, db in self.dbs.items():
            await migrate(db, SCHEMAS[name])  # as the service would find them: at this release's schema
            await self.stores[name].initialise()

    async def load(self, events: Iterable[DemoEvent], progress: Callable[[int], None] | None = None) -> int:
        last_report = time.monotonic()
        for event in events:
            pending = self.pending[event.service]
            payload = event.payload
            if event.personal is not None and isinstance(payload, ms.MemberJoined):
                payload = payload.model_copy(
                    update={"profile": pending.sealer.seal(payload.member_id, event.personal)}
                )
            pending.events.append(NewEvent(event.stream_id, payload, event.unit_path, event.occurred_at))
            if len(pending.events) >= self.batch:
                await self._flush(event.service)
            if progress is not None and time.monotonic() - last_report > 2:
                progress(self.loaded)
                last_report = time.monotonic()
        for name in SERVICES:
            await self._flush(name)
        return self.loaded

    async def _flush(self, service: str) -> None:
        pending = self.pending[service]
        if not pending.events:
            return
        self.pending[service] = _Pending()
        by_stream: dict[str, list[NewEvent]] = {}
        for new in pending.events:
            by_stream.setdefault(new.stream_id, []).append(new)
        appends = [StreamAppend(stream, news) for stream, news in by_stream.items()]
        sealer = pending.sealer

        async def store_keys(conn: AsyncConnection, envelopes: Sequence[Envelope]) -> None:
            await sealer.store_created(conn, envelopes)

        await self.stores[service].append(appends, actor=ACTOR, effects=store_keys)
        self.loaded += len(pending.events)

    async def close(self) -> None:
        for db in self.dbs.values():
            await db.dispose()
