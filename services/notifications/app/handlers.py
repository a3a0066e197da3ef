"""Notifications' commands: officers' contact details and their subscriptions."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.alert_book import officer_of
from services.notifications.adapters.tables import officers, subscriptions
from services.notifications.domain.subscriptions import Officer, check_channels
from shared.auth import Principal
from shared.clock import Clock
from shared.contracts.notifications import OfficerSubscribed, SubscriptionCancelled
from shared.errors import NotFoundError
from shared.events import Envelope, NewEvent
from shared.ids import new_id
from shared.orgtree import UnitDirectory
from shared.store import NO_STREAM, EventStore, StreamAppend
from shared.store.event_store import Idempotency
from shared.store.shredding import purge_deleted
from shared.store.upsert import upsert


def subscription_stream(subscription_id: str) -> str:
    return f"subscription-{subscription_id}"


class NotificationHandlers:
    def __init__(self, store: EventStore, directory: UnitDirectory, clock: Clock) -> None:
        self.store = store
        self.db = store.db
        self.directory = directory
        self.clock = clock

    async def officer(self, officer_id: str) -> tuple[Officer, str | None] | None:
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
    ) -> tuple[Officer, str | None]:
        """Keep the caller's contact details; a webhook gets a signing secret, returned when it is new."""
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
                    "updated_at": self.clock.now().astimezone(UTC),
                },
                keys=["officer_id"],
                replace=["unit_id", "name", "email", "webhook_url", "webhook_secret", "updated_at"],
            )
        return Officer(principal.subject, principal.unit_id, name, email, webhook_url), fresh

    async def erase_contact(self, principal: Principal) -> bool:
        async with self.db.transaction() as conn:
            result = await conn.execute(officers.delete().where(officers.c.officer_id == principal.subject))
        await purge_deleted(self.db)  # the WAL still holds the address until then
        return bool(result.rowcount)

    async def subscribe(
        self, principal: Principal, event: OfficerSubscribed, *, idempotency: Idempotency | None = None
    ) -> Sequence[Envelope]:
        current = await self.officer(principal.subject)
        check_channels(event.channels, current[0] if current else None)
        unit = await self.directory.get(event.unit_id)
        assert unit is not None  # the API authorised the unit
        now = self.clock.now().astimezone(UTC)

        async def keep(conn: AsyncConnection, _: Sequence[Envelope]) -> None:
            quiet = event.quiet_hours
            await conn.execute(
                subscriptions.insert().values(
                    subscription_id=event.subscription_id,
                    officer_id=event.officer_id,
                    unit_id=event.unit_id,
                    unit_path=unit.path,
                    kinds=",".join(k.value for k in event.kinds),
                    channels=",".join(c.value for c in event.channels),
                    mode=event.mode.value,
                    quiet_start=quiet.start.strftime("%H:%M") if quiet else None,
                    quiet_end=quiet.end.strftime("%H:%M") if quiet else None,
                    digest_hour=event.digest_hour,
                    active=True,
                    created_at=now,
                )
            )

        new = NewEvent(subscription_stream(event.subscription_id), event, unit.path, now)
        return await self.store.append(
            StreamAppend(new.stream_id, [new], NO_STREAM),
            actor=principal.subject,
            idempotency=idempotency,
            effects=keep,
        )

    async def cancel(self, principal: Principal, subscription_id: str) -> Sequence[Envelope]:
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(subscriptions).where(
                        subscriptions.c.subscription_id == subscription_id,
                        subscriptions.c.officer_id == principal.subject,
                        subscriptions.c.active.is_(True),
                    )
                )
            ).first()
        if row is None:
            raise NotFoundError(
                f"you have no active subscription {subscription_id!r}",
                rule="unknown_subscription",
                field="subscription_id",
                value=subscription_id,
                accepted="the id of one of your active subscriptions (GET /subscriptions)",
            )

        async def keep(conn: AsyncConnection, _: Sequence[Envelope]) -> None:
            await conn.execute(
                update(subscriptions)
                .where(subscriptions.c.subscription_id == subscription_id)
                .values(active=False)
            )

        payload = SubscriptionCancelled(subscription_id=subscription_id, officer_id=principal.subject)
        new = NewEvent(
            subscription_stream(subscription_id), payload, row.unit_path, self.clock.now().astimezone(UTC)
        )
        return await self.store.append(
            StreamAppend(new.stream_id, [new], 1), actor=principal.subject, effects=keep
        )


def new_subscription_id() -> str:
    return new_id("sub")
