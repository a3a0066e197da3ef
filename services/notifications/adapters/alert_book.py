"""Raising an alert: stored once, with one delivery per recipient and channel, in the caller's transaction.

A union's change arrives as several events (see :mod:`services.notifications.domain.alerts`): the
first raises its alert, the others join it, its text written again, while none of its messages has
left. E-mails and webhooks of a change wait ``coalesce`` for the rest of it; a part that arrives
after they left is an alert of its own rather than lost.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.open_items import open_alerts, record_item
from services.notifications.adapters.recipients import plan_recipients
from services.notifications.adapters.tables import alerts, deliveries, officers
from services.notifications.domain.alerts import Alert, delivery_id, merged
from services.notifications.domain.messages import Message, render
from services.notifications.domain.subscriptions import (
    DEFAULT_CHANNELS,
    OFFICERS_KINDS,
    Officer,
    Planned,
    Subscription,
)
from services.notifications.domain.timing import in_quiet_hours, quiet_hours_end
from shared.clock import local_date
from shared.contracts.notifications import AlertKind, Channel
from shared.contracts.org import UnitLevel
from shared.i18n import DEFAULT_LANGUAGE, LANGUAGES
from shared.orgtree import org_units
from shared.store.upsert import upsert

LinkFor = Callable[[Alert], str]
# A delivery whose message may still change: not sent yet (an inbox item is its row: it always may).
UNSENT = ("pending", "deferred", "in_digest", "retrying", "held")
FOLLOW_UP = "#"  # a part of a change that came after its messages left: ``<change>#<event id>``


class Texts:
    """An alert's message in each language asked for, rendered once each (each recipient reads theirs)."""

    def __init__(self, render_in: Callable[[str], Message], known: Message | None = None) -> None:
        self._render_in = render_in
        self._by_language: dict[str, Message] = {} if known is None else {DEFAULT_LANGUAGE: known}

    def __call__(self, language: str) -> Message:
        if language not in self._by_language:
            self._by_language[language] = self._render_in(language)
        return self._by_language[language]


async def languages_of(conn: AsyncConnection, officer_ids: set[str]) -> dict[str, str]:
    """The language each officer reads alerts in, by id (Vietnamese for one without contact details)."""
    if not officer_ids:
        return {}
    rows = await conn.execute(
        select(officers.c.officer_id, officers.c.language).where(officers.c.officer_id.in_(officer_ids))
    )
    found = {str(r.officer_id): str(r.language) for r in rows}
    return {o: found.get(o, DEFAULT_LANGUAGE) for o in officer_ids}


class AlertBook:
    """Where alerts are written; wakes the dispatcher when there is something to send."""

    def __init__(self, link_for: LinkFor, *, coalesce: timedelta = timedelta(0)) -> None:
        self.link_for = link_for
        self.coalesce = coalesce
        self.raised = asyncio.Event()

    async def raise_alert(self, conn: AsyncConnection, alert: Alert, now: datetime) -> bool:
        """Store ``alert`` and plan its deliveries; False if it was raised before (nothing changes)."""
        known = (await conn.execute(select(alerts).where(alerts.c.alert_id == alert.alert_id))).first()
        if known is None:
            await self._write(conn, alert, now, new=True)
            return True
        if not alert.is_change:
            return False
        joined = merged(alert, json.loads(known.facts))
        if joined is None:
            return False  # this part of the change is in its alert already
        if await self._left(conn, alert.alert_id):
            if FOLLOW_UP in alert.source_id:
                return False
            # Too late to join: the change's messages left. The part is an alert of its own.
            first = alert.facts["changes"][0]["event_id"]
            return await self.raise_alert(
                conn, dataclasses.replace(alert, source_id=f"{alert.source_id}{FOLLOW_UP}{first}"), now
            )
        await self._write(conn, joined, now, new=False, was_critical=bool(known.critical))
        return True

    async def _left(self, conn: AsyncConnection, alert_id: str) -> bool:
        """Whether a message of the alert has left (or been tried) by e-mail or webhook."""
        row = (
            await conn.execute(
                select(deliveries.c.delivery_id)
                .where(
                    deliveries.c.alert_id == alert_id,
                    deliveries.c.channel != Channel.INBOX.value,
                    or_(deliveries.c.status.not_in(UNSENT), deliveries.c.attempts > 0),
                )
                .limit(1)
            )
        ).first()
        return row is not None

    async def _write(
        self, conn: AsyncConnection, alert: Alert, now: datetime, *, new: bool, was_critical: bool = False
    ) -> None:
        units = await self._units(conn, alert)
        link = self.link_for(alert)
        texts = await self._texts(conn, alert, link, units)
        message = texts(DEFAULT_LANGUAGE)  # the alert's own record; each recipient reads their language
        values = {
            "kind": alert.kind.value,
            "critical": alert.critical,
            "subject": message.subject,
            "body": message.body,
            "link": link,
            "facts": json.dumps(alert.facts, ensure_ascii=False, default=str),
        }
        if new:
            await conn.execute(
                alerts.insert().values(
                    alert_id=alert.alert_id,
                    source_id=alert.source_id,
                    unit_id=alert.unit_id,
                    unit_path=alert.unit_path,
                    occurred_at=alert.occurred_at,
                    created_at=now,
                    **values,
                )
            )
        else:
            await conn.execute(update(alerts).where(alerts.c.alert_id == alert.alert_id).values(**values))
            await self._rewrite_unsent(conn, alert, texts, link, now, alert.critical and not was_critical)
        planned = await plan_recipients(conn, alert, units, now, self.coalesce)
        await self._deliver(conn, alert.alert_id, alert.critical, texts, link, planned, now)
        await record_item(conn, alert, now)

    async def _texts(
        self,
        conn: AsyncConnection,
        alert: Alert,
        link: str,
        units: Sequence[Any],
        known: Message | None = None,
    ) -> Texts:
        """The alert's message, rendered in the language each recipient asks for."""
        names = [u.name for u in units if u.level != UnitLevel.CENTRAL.value]
        cited = await self._cited_names(conn, alert)
        facts = {"unit_id": alert.unit_id, **alert.facts}
        return Texts(lambda language: render(alert.kind, facts, names, link, cited, lang=language), known)

    async def _units(self, conn: AsyncConnection, alert: Alert) -> list[Any]:
        """The alert's unit and its ancestors, the unit first."""
        units = (
            await conn.execute(
                select(
                    org_units.c.unit_id,
                    org_units.c.name,
                    org_units.c.level,
                    org_units.c.parent_id,
                    org_units.c.recognising_unit_id,
                    org_units.c.path,
                ).where(org_units.c.unit_id.in_(alert.unit_path.split(".")))
            )
        ).all()
        return sorted(units, key=lambda u: -len(u.path))

    async def _cited_names(self, conn: AsyncConnection, alert: Alert) -> dict[str, str]:
        """The names of the branches and unions the alert's late evidence happened in, by id."""
        ids = {str(m["unit_id"]) for m in alert.facts.get("late") or []}
        if not ids:
            return {}
        rows = await conn.execute(
            select(org_units.c.unit_id, org_units.c.name).where(org_units.c.unit_id.in_(ids))
        )
        return {str(r.unit_id): str(r.name) for r in rows}

    async def _deliver(
        self,
        conn: AsyncConnection,
        alert_id: str,
        critical: bool,
        texts: Texts,
        link: str,
        planned: Sequence[Planned],
        now: datetime,
    ) -> None:
        """One delivery row per planned (recipient, channel), in the recipient's language; one there
        already stays as it is."""
        languages = await languages_of(conn, {p.officer_id for p in planned})
        await upsert(
            conn,
            deliveries,
            [
                {
                    "delivery_id": delivery_id(alert_id, p.officer_id, p.channel),
                    "alert_id": alert_id,
                    "officer_id": p.officer_id,
                    "channel": p.channel.value,
                    "subscription_id": p.subscription_id,
                    # The inbox is this table: an inbox delivery is delivered when it is written.
                    "status": "delivered" if p.channel is Channel.INBOX else p.status,
                    "critical": critical,
                    "subject": texts(languages[p.officer_id]).subject,
                    "body": texts(languages[p.officer_id]).body,
                    "link": link,
                    "due_at": p.due_at,
                    "attempts": 1 if p.channel is Channel.INBOX else 0,
                    "first_tried_at": now if p.channel is Channel.INBOX else None,
                    "last_error": None,
                    "delivered_at": now if p.channel is Channel.INBOX else None,
                    "digest_id": None,
                    "read_at": None,
                    "created_at": now,
                }
                for p in planned
            ],
            keys=["delivery_id"],
        )
        if any(p.channel is not Channel.INBOX for p in planned):
            self.raised.set()

    async def _rewrite_unsent(
        self,
        conn: AsyncConnection,
        alert: Alert,
        texts: Texts,
        link: str,
        now: datetime,
        now_critical: bool,
    ) -> None:
        """The grown change's text in every message of it not sent yet, in its recipient's language; one
        that became critical leaves the digest and the quiet hours."""
        unsent = (deliveries.c.alert_id == alert.alert_id) & (
            (deliveries.c.channel == Channel.INBOX.value) | deliveries.c.status.in_(UNSENT)
        )
        message = texts(DEFAULT_LANGUAGE)
        await conn.execute(
            update(deliveries)
            .where(unsent)
            .values(subject=message.subject, body=message.body, link=link, critical=alert.critical)
        )
        for language in LANGUAGES:
            if language == DEFAULT_LANGUAGE:
                continue
            readers = select(officers.c.officer_id).where(officers.c.language == language)
            if (await conn.execute(readers.limit(1))).first() is None:
                continue
            message = texts(language)
            await conn.execute(
                update(deliveries)
                .where(unsent & deliveries.c.officer_id.in_(readers))
                .values(subject=message.subject, body=message.body)
            )
        if now_critical:
            await conn.execute(
                update(deliveries)
                .where(
                    deliveries.c.alert_id == alert.alert_id,
                    deliveries.c.status.in_(("in_digest", "deferred")),
                )
                .values(status="pending", due_at=now + self.coalesce)
            )

    async def welcome(
        self, conn: AsyncConnection, sub: Subscription, now: datetime, *, recognised_by: str | None = None
    ) -> int:
        """Give a new subscription what is open now about its units, as a first digest (its inbox:
        each item); ``recognised_by``: only about the unions that unit recognises. Returns how many items."""
        rows = await open_alerts(conn, sub.unit_path, sub.kinds, local_date(now))
        if recognised_by is not None and rows:
            unions = await conn.execute(
                select(org_units.c.unit_id, org_units.c.recognising_unit_id, org_units.c.parent_id).where(
                    org_units.c.unit_id.in_({r.unit_id for r in rows})
                )
            )
            theirs = {u.unit_id for u in unions if (u.recognising_unit_id or u.parent_id) == recognised_by}
            rows = [r for r in rows if r.unit_id in theirs]
        due = now
        if sub.quiet_hours is not None and in_quiet_hours(now, sub.quiet_hours):
            due = quiet_hours_end(now, sub.quiet_hours)
        for row in rows:
            planned = [
                Planned(
                    sub.officer_id,
                    channel,
                    "pending" if channel is Channel.INBOX else "in_digest",
                    due,
                    sub.subscription_id or None,
                )
                for channel in sub.channels
            ]
            alert = Alert(
                str(row.source_id),
                AlertKind(row.kind),
                str(row.unit_id),
                str(row.unit_path),
                row.occurred_at,
                bool(row.critical),
                json.loads(row.facts),
            )
            # Written again, in the reader's language and with the names known now (an alert raised
            # before notifications learnt its union's name says its id).
            texts = await self._texts(conn, alert, str(row.link), await self._units(conn, alert))
            await self._deliver(
                conn, str(row.alert_id), bool(row.critical), texts, str(row.link), planned, now
            )
        return len(rows)

    async def welcome_by_default(self, conn: AsyncConnection, officer: Officer, now: datetime) -> int:
        """An officer who registers and follows nothing receives the alerts of the unions their unit
        recognises by default: what is open now about them, as a first digest."""
        path = (
            await conn.execute(select(org_units.c.path).where(org_units.c.unit_id == officer.unit_id))
        ).scalar()
        if path is None:
            return 0
        channels = DEFAULT_CHANNELS if officer.email else (Channel.INBOX,)
        sub = Subscription("", officer.officer_id, str(path), OFFICERS_KINDS, channels)
        return await self.welcome(conn, sub, now, recognised_by=officer.unit_id)
