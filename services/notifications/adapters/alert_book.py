"""Raising an alert: stored once, with one delivery per recipient and channel, in the caller's transaction."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.tables import alerts, deliveries, officers, subscriptions
from services.notifications.domain.alerts import Alert, delivery_id
from services.notifications.domain.messages import render
from services.notifications.domain.subscriptions import Officer, Subscription, plan_deliveries
from shared.contracts.notifications import AlertKind, Channel, DeliveryMode, QuietHours
from shared.contracts.org import UnitLevel
from shared.orgtree import org_units
from shared.store.upsert import upsert

LinkFor = Callable[[Alert], str]


def ancestors(path: str) -> list[str]:
    """``vn.bg.bg-pl`` → ``["vn", "vn.bg", "vn.bg.bg-pl"]``."""
    parts = path.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def subscription_of(row: object) -> Subscription:
    m = row._mapping  # type: ignore[attr-defined]
    quiet = (
        QuietHours(start=time.fromisoformat(m["quiet_start"]), end=time.fromisoformat(m["quiet_end"]))
        if m["quiet_start"] and m["quiet_end"]
        else None
    )
    return Subscription(
        subscription_id=m["subscription_id"],
        officer_id=m["officer_id"],
        unit_path=m["unit_path"],
        kinds=tuple(AlertKind(k) for k in m["kinds"].split(",") if k),
        channels=tuple(Channel(c) for c in m["channels"].split(",") if c),
        mode=DeliveryMode(m["mode"]),
        quiet_hours=quiet,
        digest_hour=m["digest_hour"],
    )


def officer_of(row: object) -> Officer:
    m = row._mapping  # type: ignore[attr-defined]
    return Officer(m["officer_id"], m["unit_id"], m["name"], m["email"], m["webhook_url"])


class AlertBook:
    """Where alerts are written; wakes the dispatcher when there is something to send."""

    def __init__(self, link_for: LinkFor) -> None:
        self.link_for = link_for
        self.raised = asyncio.Event()

    async def raise_alert(self, conn: AsyncConnection, alert: Alert, now: datetime) -> bool:
        """Store ``alert`` and plan its deliveries; False if it was raised before (nothing changes)."""
        known = (
            await conn.execute(select(alerts.c.alert_id).where(alerts.c.alert_id == alert.alert_id))
        ).first()
        if known is not None:
            return False
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
        by_depth = sorted(units, key=lambda u: -len(u.path))
        names = [u.name for u in by_depth if u.level != UnitLevel.CENTRAL.value]
        link = self.link_for(alert)
        message = render(alert.kind, {"unit_id": alert.unit_id, **alert.facts}, names, link)
        await conn.execute(
            alerts.insert().values(
                alert_id=alert.alert_id,
                source_id=alert.source_id,
                kind=alert.kind.value,
                unit_id=alert.unit_id,
                unit_path=alert.unit_path,
                critical=alert.critical,
                subject=message.subject,
                body=message.body,
                link=link,
                facts=json.dumps(alert.facts, ensure_ascii=False, default=str),
                occurred_at=alert.occurred_at,
                created_at=now,
            )
        )
        subs = [
            subscription_of(r)
            for r in await conn.execute(
                select(subscriptions).where(
                    subscriptions.c.active.is_(True),
                    subscriptions.c.unit_path.in_(ancestors(alert.unit_path)),
                )
            )
        ]
        recognising = self._recognising_unit(by_depth) if alert.kind is not AlertKind.DEAD_LETTER else None
        wanted = {s.officer_id for s in subs}
        rows = (
            await conn.execute(
                select(officers).where(
                    officers.c.officer_id.in_(wanted)
                    | (officers.c.unit_id == recognising if recognising else officers.c.officer_id.in_([]))
                )
            )
        ).all()
        known_officers = {o.officer_id: o for o in map(officer_of, rows)}
        defaults = [o for o in known_officers.values() if recognising and o.unit_id == recognising]
        # Defaults only for officers with no subscriptions at all (covering or not).
        if defaults:
            subscribed = {
                str(r[0])
                for r in await conn.execute(
                    select(subscriptions.c.officer_id).where(
                        subscriptions.c.active.is_(True),
                        subscriptions.c.officer_id.in_([o.officer_id for o in defaults]),
                    )
                )
            }
            defaults = [o for o in defaults if o.officer_id not in subscribed]
        planned = plan_deliveries(alert, subs, known_officers, defaults, now)
        await upsert(
            conn,
            deliveries,
            [
                {
                    "delivery_id": delivery_id(alert.alert_id, p.officer_id, p.channel),
                    "alert_id": alert.alert_id,
                    "officer_id": p.officer_id,
                    "channel": p.channel.value,
                    "subscription_id": p.subscription_id,
                    # The inbox is this table: an inbox delivery is delivered when it is written.
                    "status": "delivered" if p.channel is Channel.INBOX else p.status,
                    "critical": alert.critical,
                    "subject": message.subject,
                    "body": message.body,
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
        return True

    @staticmethod
    def _recognising_unit(units_deepest_first: Sequence[object]) -> str | None:
        """The unit that recognises the grassroots union the alert is about (its parent by default)."""
        for unit in units_deepest_first:
            m = unit._mapping  # type: ignore[attr-defined]
            if m["level"] == UnitLevel.GRASSROOTS.value:
                return str(m["recognising_unit_id"] or m["parent_id"])
        return None
