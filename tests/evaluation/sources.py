"""Membership's and planning's histories for evaluation tests: their own stores, relayed to JetStream.

Events are appended to a store owned by the service that would write them and
relayed as that service would; the test never imports those services.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from nats.js import JetStreamContext

import shared.store.event_store as store_module
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.events import Envelope, NewEvent
from shared.store import Database, EventStore, StreamAppend
from tests.support import cancel


class Sources:
    """One event store and relay per upstream service, each on its own SQLite database."""

    def __init__(self, directory: Path, js: JetStreamContext) -> None:
        self.stores = {
            name: EventStore(Database(f"sqlite+aiosqlite:///{directory / f'{name}.db'}"), name)
            for name in ("membership", "planning")
        }
        self.js = js
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> Sources:
        for name, store in self.stores.items():
            await store.initialise()
            relay = Relay(store.db, self.js, name, keys=fixed_keys(name), wake=store.appended, idle_wait=0.02)
            self._tasks.append(asyncio.create_task(relay.run()))
        return self

    async def stop(self) -> None:
        for task in self._tasks:
            await cancel(task)
        for store in self.stores.values():
            await store.db.dispose()

    async def record(self, events: Sequence[NewEvent], recorded_at: datetime | None = None) -> list[Envelope]:
        """Append each event to the store of the service that owns its type."""
        out: list[Envelope] = []
        for new in events:
            service = type(new.payload).__module__.rsplit(".", 1)[-1]
            store = self.stores[service]
            if recorded_at is None:
                out += await store.append(StreamAppend(new.stream_id, [new]), actor="tests")
            else:
                original = store_module.__dict__["utcnow"]
                setattr(store_module, "utcnow", lambda: recorded_at)  # noqa: B010  (what the system knew, when)
                try:
                    out += await store.append(StreamAppend(new.stream_id, [new]), actor="tests")
                finally:
                    setattr(store_module, "utcnow", original)  # noqa: B010
        return out

    async def positions(self) -> dict[str, int]:
        return {name: (await store.head())[0] for name, store in self.stores.items()}
