"""The open items table: kept with the alerts, in the transaction that raises or closes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.tables import alerts, open_items
from services.notifications.domain.alerts import Alert
from services.notifications.domain.open_items import item_of
from shared.contracts.notifications import AlertKind
from shared.ids import path_contains
from shared.store.upsert import upsert


async def record_item(conn: AsyncConnection, alert: Alert, now: datetime) -> None:
    """Open, renew or close the item ``alert`` says (a change that leaves the union passing closes it)."""
    probe = item_of(alert, None)
    if probe is None:
        return
    was = (
        await conn.execute(
            select(open_items.c.open).where(
                open_items.c.unit_id == alert.unit_id, open_items.c.topic == probe.topic
            )
        )
    ).scalar()
    item = item_of(alert, None if was is None else bool(was))
    assert item is not None
    await upsert(
        conn,
        open_items,
        {
            "unit_id": alert.unit_id,
            "topic": item.topic,
            "unit_path": alert.unit_path,
            "alert_id": alert.alert_id,
            "kinds": ",".join(k.value for k in alert.kinds),
            "open": item.open,
            "until": item.until,
            "updated_at": now,
        },
        keys=["unit_id", "topic"],
        replace=["unit_path", "alert_id", "kinds", "open", "until", "updated_at"],
    )


async def close_items(
    conn: AsyncConnection, unit_id: str, topics: Sequence[str] = (), prefix: str = ""
) -> None:
    """Close the union's items ``topics`` and those whose topic begins with ``prefix``."""
    matches: list[ColumnElement[bool]] = [open_items.c.topic.in_(list(topics))] if topics else []
    if prefix:
        matches.append(open_items.c.topic.startswith(prefix, autoescape=True))
    if not matches:
        return
    await conn.execute(
        update(open_items).where(open_items.c.unit_id == unit_id, or_(*matches)).values(open=False)
    )


async def open_alerts(
    conn: AsyncConnection, unit_path: str, kinds: Sequence[AlertKind], today: date
) -> list[Row[Any]]:
    """The alerts of the items open today about ``unit_path`` and the units below it, of ``kinds``,
    the oldest first."""
    rows = (
        await conn.execute(
            select(alerts, open_items.c.kinds.label("item_kinds"))
            .join(open_items, open_items.c.alert_id == alerts.c.alert_id)
            .where(
                open_items.c.open.is_(True),
                or_(open_items.c.until.is_(None), open_items.c.until >= today),
                or_(
                    open_items.c.unit_path == unit_path,
                    open_items.c.unit_path.startswith(unit_path + ".", autoescape=True),
                ),
            )
            .order_by(alerts.c.occurred_at, alerts.c.alert_id)
        )
    ).all()
    wanted = {k.value for k in kinds}
    return [
        r
        for r in rows
        if path_contains(unit_path, r.unit_path) and wanted.intersection(str(r.item_kinds).split(","))
    ]
