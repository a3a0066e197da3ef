"""Per-person keys in memory: sealing and opening work as with membership's key table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from services.membership.adapters.keys import KeyRing, Sealer
from shared.events import Envelope


class InMemoryKeyRing(KeyRing):
    """The keys in a dict; a sealer's new keys are kept when its command's events are."""

    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    async def keys(self, person_ids: Iterable[str], conn: AsyncConnection | None = None) -> dict[str, bytes]:
        return {p: self.stored[p] for p in set(person_ids) if p in self.stored}

    async def sealer(self, person_ids: Iterable[str]) -> Sealer:
        return _KeptSealer(self, await self.keys(person_ids))

    async def purge_destroyed(self) -> None:
        return None  # nothing in memory outlives its deletion


class _KeptSealer(Sealer):
    def __init__(self, ring: InMemoryKeyRing, existing: dict[str, bytes]) -> None:
        super().__init__(existing)
        self.ring = ring

    async def store_created(self, conn: AsyncConnection, _events: Sequence[Envelope]) -> None:
        self.ring.stored.update(self.created)
