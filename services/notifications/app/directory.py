"""Keeping the officer directory from identity's grants, and welcoming a new officer of a unit.

An officer granted a role that receives alerts, at a unit that recognises unions, and who follows
nothing of their own, receives at once what is open about those unions (a first digest), as an officer
who registers their contact does. Only for a grant recorded in the last day: replaying the history
(a rebuild) welcomes nobody again.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.alert_book import AlertBook
from services.notifications.adapters.directory import ALERTED_ROLES, metadata, officer_grants
from services.notifications.adapters.recipients import officer_of
from services.notifications.adapters.tables import officers, subscriptions
from services.notifications.domain.subscriptions import Officer
from shared.bus.subjects import stream_name
from shared.clock import Clock
from shared.contracts import identity as ev
from shared.events import Envelope
from shared.runtime.service import Source
from shared.store.upsert import upsert

RECENT = timedelta(days=1)


class OfficerDirectory:
    name = "officer_directory"
    metadata = metadata

    def __init__(self, book: AlertBook, clock: Clock) -> None:
        self.book = book
        self.clock = clock

    @staticmethod
    def sources() -> list[Source]:
        return [Source(stream_name("identity"), ("identity.GrantIssued.>", "identity.GrantRevoked.>"))]

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        payload = event.payload
        if isinstance(payload, ev.GrantIssued):
            await upsert(
                conn,
                officer_grants,
                {
                    "grant_id": payload.grant_id,
                    "officer_id": payload.account_id,
                    "role": payload.role.value,
                    "unit_id": payload.unit_id,
                    "unit_path": event.unit_path,
                    "valid_from": payload.valid_from,
                    "valid_until": payload.valid_until,
                    "revoked": False,
                },
                keys=["grant_id"],
            )
            await self._welcome(conn, payload, event)
        elif isinstance(payload, ev.GrantRevoked):
            await conn.execute(
                update(officer_grants)
                .where(officer_grants.c.grant_id == payload.grant_id)
                .values(revoked=True)
            )

    async def apply_all(self, conn: AsyncConnection, events: list[Envelope]) -> None:
        for event in events:
            await self.apply(conn, event)

    async def _welcome(self, conn: AsyncConnection, grant: ev.GrantIssued, event: Envelope) -> None:
        now = self.clock.now()
        today = self.clock.today()
        if grant.role.value not in ALERTED_ROLES or now - event.recorded_at > RECENT:
            return
        if not grant.valid_from <= today <= (grant.valid_until or today):
            return
        follows = await conn.execute(
            select(subscriptions.c.subscription_id)
            .where(subscriptions.c.officer_id == grant.account_id, subscriptions.c.active.is_(True))
            .limit(1)
        )
        if follows.first() is not None:
            return
        row = (await conn.execute(select(officers).where(officers.c.officer_id == grant.account_id))).first()
        contact = officer_of(row) if row is not None else None
        officer = Officer(
            grant.account_id,
            grant.unit_id,
            contact.name if contact else "",
            contact.email if contact else None,
            contact.webhook_url if contact else None,
        )
        await self.book.welcome_by_default(conn, officer, now)
