"""Officers' contact details: kept beside the history, never in it, and erased on request."""

from __future__ import annotations

import secrets
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.alert_book import AlertBook
from services.notifications.adapters.recipients import officer_of
from services.notifications.adapters.tables import officers, subscriptions
from services.notifications.domain.subscriptions import Officer
from shared.auth import Principal
from shared.clock import Clock
from shared.i18n import DEFAULT_LANGUAGE
from shared.store import Database
from shared.store.shredding import purge_deleted
from shared.store.upsert import upsert


class OfficerContacts:
    def __init__(self, db: Database, clock: Clock, book: AlertBook | None = None) -> None:
        self.db = db
        self.clock = clock
        self.book = book

    async def officer(self, officer_id: str) -> tuple[Officer, str | None] | None:
        """The officer's contact details and webhook secret, or None if they never set them."""
        async with self.db.read() as conn:
            row = (await conn.execute(select(officers).where(officers.c.officer_id == officer_id))).first()
        return None if row is None else (officer_of(row), row.webhook_secret)

    async def set_contact(
        self,
        principal: Principal,
        *,
        name: str,
        email: str | None,
        webhook_url: str | None,
        rotate_secret: bool,
        language: str = DEFAULT_LANGUAGE,
    ) -> tuple[Officer, str | None]:
        """Keep the caller's contact details; a webhook gets a signing secret, returned when it is new.

        An officer who registers for the first time and follows nothing receives the alerts of the unions
        their unit recognises from now on, and what is open about them now (a first digest)."""
        current = await self.officer(principal.subject)
        secret = current[1] if current else None
        fresh: str | None = None
        if webhook_url and (secret is None or rotate_secret):
            secret = fresh = secrets.token_urlsafe(32)
        async with self.db.transaction() as conn:
            await upsert(
                conn,
                officers,
                {
                    "officer_id": principal.subject,
                    "unit_id": principal.unit_id,
                    "name": name,
                    "email": email,
                    "webhook_url": webhook_url,
                    "webhook_secret": secret if webhook_url else None,
                    "language": language,
                    "updated_at": self.clock.now().astimezone(UTC),
                },
                keys=["officer_id"],
                replace=[
                    "unit_id",
                    "name",
                    "email",
                    "webhook_url",
                    "webhook_secret",
                    "language",
                    "updated_at",
                ],
            )
            officer = Officer(principal.subject, principal.unit_id, name, email, webhook_url, language)
            if current is None and self.book is not None and not await self._follows(conn, principal.subject):
                await self.book.welcome_by_default(conn, officer, self.clock.now().astimezone(UTC))
        return officer, fresh

    @staticmethod
    async def _follows(conn: AsyncConnection, officer_id: str) -> bool:
        found = await conn.execute(
            select(subscriptions.c.subscription_id)
            .where(subscriptions.c.officer_id == officer_id, subscriptions.c.active.is_(True))
            .limit(1)
        )
        return found.first() is not None

    async def erase_contact(self, principal: Principal) -> bool:
        async with self.db.transaction() as conn:
            result = await conn.execute(officers.delete().where(officers.c.officer_id == principal.subject))
        await purge_deleted(self.db)  # the WAL still holds the address until then
        return bool(result.rowcount)
