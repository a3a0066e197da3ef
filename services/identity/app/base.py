"""What identity's handlers share: the store, the org tree, the key ring, the clock and the settings;
the lookups of an account, its grants and its login."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, select

from services.identity.adapters.tables import grants, logins
from services.identity.domain.account import Account
from services.identity.domain.grants import Grant
from services.identity.domain.streams import account_stream
from services.identity.settings import IdentitySettings
from shared.auth import Role
from shared.clock import Clock
from shared.commands import Context
from shared.contracts.org import UnitStatus
from shared.events import Envelope, NewEvent
from shared.orgtree import UnitDirectory
from shared.store import ANY_VERSION, EventStore, StreamAppend
from shared.store.appending import InlineProjection
from shared.store.keys import KeyRing


class Identity:
    """The ports of the identity service, as its handlers use them."""

    def __init__(
        self,
        store: EventStore,
        directory: UnitDirectory,
        settings: IdentitySettings,
        clock: Clock | None = None,
    ) -> None:
        self.store = store
        self.directory = directory
        self.settings = settings
        self.keys = KeyRing(store.db)
        self.clock = clock or Clock()

    def today(self) -> date:
        return self.clock.today()

    async def account(self, account_id: str) -> Account | None:
        history = await self.store.read_stream(account_stream(account_id))
        return Account.from_history(e.payload for e in history)

    async def account_of_login(self, key: str) -> str | None:
        async with self.store.db.read() as conn:
            return (
                await conn.execute(select(logins.c.account_id).where(logins.c.login_key == key))
            ).scalar_one_or_none()

    async def grant(self, grant_id: str) -> Grant | None:
        async with self.store.db.read() as conn:
            row = (await conn.execute(select(grants).where(grants.c.grant_id == grant_id))).first()
        return _grant(row) if row is not None else None

    async def grants_of(self, account_id: str) -> list[Grant]:
        async with self.store.db.read() as conn:
            rows = (
                await conn.execute(
                    select(grants).where(grants.c.account_id == account_id).order_by(grants.c.unit_path)
                )
            ).all()
        return [_grant(row) for row in rows]

    async def live_grants(self, account_id: str) -> list[Grant]:
        """The account's grants in force today at units that are open, highest unit first."""
        today = self.today()
        live = []
        for grant in await self.grants_of(account_id):
            unit = await self.directory.get(grant.unit_id)
            if grant.live_on(today) and unit is not None and unit.status is UnitStatus.ACTIVE:
                live.append(grant)
        return live

    async def append(
        self,
        new: NewEvent | Sequence[NewEvent],
        ctx: Context,
        expected: int | None = ANY_VERSION,
        effects: InlineProjection | None = None,
    ) -> Sequence[Envelope]:
        events = [new] if isinstance(new, NewEvent) else list(new)
        return await self.store.append(
            StreamAppend(events[0].stream_id, events, expected),
            actor=ctx.actor,
            idempotency=ctx.idempotency,
            effects=effects,
        )


def _grant(row: Row[Any]) -> Grant:
    return Grant(
        grant_id=row.grant_id,
        account_id=row.account_id,
        role=Role(row.role),
        unit_id=row.unit_id,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        revoked=row.revoked_at is not None,
        source=row.source,
    )
