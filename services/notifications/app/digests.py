"""Digests (bản tin tổng hợp): an officer's due items on a channel gathered into one delivery, in the
officer's language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from services.notifications.adapters.alert_book import languages_of
from services.notifications.adapters.tables import alerts, deliveries
from services.notifications.domain.alerts import stable_id
from services.notifications.domain.messages import render_digest
from shared.clock import local_date
from shared.contracts.notifications import AlertKind
from shared.store import Database


async def gather_digests(db: Database, now: datetime) -> None:
    """Turn each officer's due digest items on a channel into one digest delivery, in one transaction."""
    async with db.read() as conn:
        groups = (
            await conn.execute(
                select(deliveries.c.officer_id, deliveries.c.channel)
                .where(deliveries.c.status == "in_digest", deliveries.c.due_at <= now)
                .group_by(deliveries.c.officer_id, deliveries.c.channel)
            )
        ).all()
    for officer_id, channel in groups:
        async with db.transaction() as conn:
            items = (
                await conn.execute(
                    select(deliveries.c.delivery_id, deliveries.c.subject, deliveries.c.link, alerts.c.kind)
                    .join(alerts, alerts.c.alert_id == deliveries.c.alert_id)
                    .where(
                        deliveries.c.officer_id == officer_id,
                        deliveries.c.channel == channel,
                        deliveries.c.status == "in_digest",
                        deliveries.c.due_at <= now,
                    )
                    .order_by(alerts.c.occurred_at)
                )
            ).all()
            if not items:
                continue
            day = local_date(now).isoformat()
            digest_id = stable_id("digest", officer_id, channel, day, items[0].delivery_id)
            language = (await languages_of(conn, {officer_id}))[officer_id]
            listed = [(AlertKind(i.kind), i.subject, i.link) for i in items]
            message = render_digest(day, listed, lang=language)
            await conn.execute(
                deliveries.insert().values(
                    delivery_id=digest_id,
                    alert_id=None,
                    officer_id=officer_id,
                    channel=channel,
                    subscription_id=None,
                    status="pending",
                    critical=False,
                    subject=message.subject,
                    body=message.body,
                    link="",
                    due_at=now,
                    attempts=0,
                    first_tried_at=None,
                    last_error=None,
                    delivered_at=None,
                    digest_id=None,
                    read_at=None,
                    created_at=now,
                )
            )
            await conn.execute(
                update(deliveries)
                .where(deliveries.c.delivery_id.in_([i.delivery_id for i in items]))
                .values(status="digested", digest_id=digest_id)
            )
