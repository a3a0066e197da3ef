"""Who receives an alert: the subscriptions and officers it is planned from, read in the caller's
transaction; the officer directory (identity's grants, ``adapters/directory.py``) says who holds which
unit today."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters import directory
from services.notifications.adapters.tables import officers, subscriptions
from services.notifications.domain.alerts import Alert
from services.notifications.domain.subscriptions import Officer, Planned, Subscription, plan_deliveries
from shared.clock import local_date
from shared.contracts.notifications import AlertKind, Channel, DeliveryMode, QuietHours
from shared.contracts.org import UnitLevel
from shared.ids import path_contains


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
    return Officer(m["officer_id"], m["unit_id"], m["name"], m["email"], m["webhook_url"], m["language"])


def _recognising_unit(units_deepest_first: Sequence[object]) -> str | None:
    """The unit that recognises the grassroots union the alert is about (its parent by default)."""
    for unit in units_deepest_first:
        m = unit._mapping  # type: ignore[attr-defined]
        if m["level"] == UnitLevel.GRASSROOTS.value:
            return str(m["recognising_unit_id"] or m["parent_id"])
    return None


async def plan_recipients(
    conn: AsyncConnection, alert: Alert, units: Sequence[Any], now: datetime, coalesce: timedelta
) -> list[Planned]:
    """The deliveries ``alert`` calls for: its subscribers', and by default the officers of the unit
    that recognises its union who follow nothing; ``units``: the alert's unit and ancestors, deepest
    first. A change's e-mails and webhooks wait ``coalesce`` for the rest of it."""
    subs = [
        subscription_of(r)
        for r in await conn.execute(
            select(subscriptions).where(
                subscriptions.c.active.is_(True),
                subscriptions.c.unit_path.in_(ancestors(alert.unit_path)),
            )
        )
    ]
    today = local_date(now)
    # An officer of the directory (granted roles by identity) is alerted about a unit only while a grant in
    # force covers it, whatever they subscribed to; one identity does not know (a development token) as before.
    granted = await directory.known_officers(conn, {s.officer_id for s in subs})
    scopes = await directory.live_scopes(conn, granted, today)
    subs = [
        s
        for s in subs
        if s.officer_id not in granted
        or any(path_contains(p, s.unit_path) for p in scopes.get(s.officer_id, ()))
    ]
    recognising = _recognising_unit(units) if alert.kind is not AlertKind.DEAD_LETTER else None
    holders = await directory.holders_at(conn, recognising, today) if recognising else []
    wanted = {s.officer_id for s in subs} | set(holders)
    rows = (
        await conn.execute(
            select(officers).where(
                officers.c.officer_id.in_(wanted)
                | (officers.c.unit_id == recognising if recognising else officers.c.officer_id.in_([]))
            )
        )
    ).all()
    known_officers = {o.officer_id: o for o in map(officer_of, rows)}
    for holder in holders:  # granted the unit, no contact given yet: their inbox
        known_officers.setdefault(holder, Officer(holder, str(recognising), "", None, None))
    # By default, the officers the directory says hold a role at the recognising unit, and those it does
    # not know whose contact names that unit.
    unknown_here = [o.officer_id for o in known_officers.values() if o.unit_id == recognising]
    in_directory = await directory.known_officers(conn, unknown_here)
    defaults = [
        o
        for o in known_officers.values()
        if o.officer_id in holders
        or (recognising and o.unit_id == recognising and o.officer_id not in in_directory)
    ]
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
    if alert.is_change:  # the rest of the change may be on its way: its messages wait for it
        planned = [
            dataclasses.replace(p, due_at=now + coalesce)
            if p.status == "pending" and p.channel is not Channel.INBOX
            else p
            for p in planned
        ]
    return planned
