"""An officer's subscriptions: subscribing to a unit's alerts and cancelling, each an event in the
subscription's stream with its row in the subscriptions table, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.alert_book import AlertBook
from services.notifications.adapters.tables import subscriptions
from services.notifications.app.officers import OfficerContacts
from services.notifications.domain import commands as cmds
from services.notifications.domain.streams import subscription_stream
from services.notifications.domain.subscriptions import Subscription, subscribed
from shared.auth import Permission
from shared.clock import Clock
from shared.commands import Context
from shared.contracts.notifications import SubscriptionCancelled
from shared.errors import NotFoundError
from shared.events import Envelope, NewEvent
from shared.ids import new_id
from shared.store import NO_STREAM, EventStore, StreamAppend


def new_subscription_id() -> str:
    return new_id("sub")


class SubscriptionHandlers:
    def __init__(self, store: EventStore, contacts: OfficerContacts, clock: Clock, book: AlertBook) -> None:
        self.store = store
        self.contacts = contacts
        self.clock = clock
        self.book = book

    async def subscribe(self, cmd: cmds.SubscribeOfficer, ctx: Context) -> Sequence[Envelope]:
        """A new subscription of the caller to the unit the command was authorised on; its id is chosen
        here and named in the answer. What is open now about its units comes to it as a first digest."""
        current = await self.contacts.officer(ctx.actor)
        event = subscribed(
            cmd,
            subscription_id=new_subscription_id(),
            officer_id=ctx.actor,
            officer=current[0] if current else None,
            operator=Permission.OPERATE in ctx.permissions,
        )
        ctx.named["subscription_id"] = event.subscription_id
        unit = ctx.the_unit()
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
            subscription = Subscription(
                subscription_id=event.subscription_id,
                officer_id=event.officer_id,
                unit_path=unit.path,
                kinds=event.kinds,
                channels=event.channels,
                mode=event.mode,
                quiet_hours=event.quiet_hours,
                digest_hour=event.digest_hour,
            )
            await self.book.welcome(conn, subscription, now)

        new = NewEvent(subscription_stream(event.subscription_id), event, unit.path, now)
        return await self.store.append(
            StreamAppend(new.stream_id, [new], NO_STREAM),
            actor=ctx.actor,
            idempotency=ctx.idempotency,
            effects=keep,
        )

    async def cancel(self, cmd: cmds.CancelSubscription, ctx: Context) -> Sequence[Envelope]:
        row = await self.active(ctx.actor, cmd.subscription_id)

        async def keep(conn: AsyncConnection, _: Sequence[Envelope]) -> None:
            await conn.execute(
                update(subscriptions)
                .where(subscriptions.c.subscription_id == cmd.subscription_id)
                .values(active=False)
            )

        payload = SubscriptionCancelled(subscription_id=cmd.subscription_id, officer_id=ctx.actor)
        now = self.clock.now().astimezone(UTC)
        new = NewEvent(subscription_stream(cmd.subscription_id), payload, row.unit_path, now)
        return await self.store.append(
            StreamAppend(new.stream_id, [new], 1), actor=ctx.actor, idempotency=ctx.idempotency, effects=keep
        )

    async def active(self, officer_id: str, subscription_id: str) -> Row[Any]:
        """The officer's active subscription ``subscription_id`` (its row), or 404 ``unknown_subscription``:
        another officer's subscription answers as one that does not exist."""
        async with self.store.db.read() as conn:
            row = (
                await conn.execute(
                    select(subscriptions).where(
                        subscriptions.c.subscription_id == subscription_id,
                        subscriptions.c.officer_id == officer_id,
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
        return row
