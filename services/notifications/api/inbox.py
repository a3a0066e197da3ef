"""The in-app inbox (hộp thư): an officer's alerts, what is unread, marking one read."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import and_, func, select, update

from services.notifications.adapters.tables import alerts, deliveries
from services.notifications.api.common import iso
from shared.auth import Principal
from shared.contracts.notifications import Channel
from shared.errors import NotFoundError
from shared.http.auth import CurrentPrincipal
from shared.http.params import Limit, Offset
from shared.orgtree import org_units

router = APIRouter()


def _inbox_filter(principal: Principal, unread_only: bool = False) -> Any:
    where = and_(
        deliveries.c.officer_id == principal.subject,
        deliveries.c.channel == Channel.INBOX.value,
        deliveries.c.status == "delivered",
    )
    return and_(where, deliveries.c.read_at.is_(None)) if unread_only else where


@router.get("/inbox", tags=["inbox"], summary="Your alerts, newest first (hộp thư)")
async def inbox(
    request: Request,
    principal: CurrentPrincipal,
    unread_only: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    async with request.app.state.runtime.db.read() as conn:
        count = select(func.count()).select_from(deliveries)
        total = (await conn.execute(count.where(_inbox_filter(principal, unread_only)))).scalar_one()
        unread = (await conn.execute(count.where(_inbox_filter(principal, True)))).scalar_one()
        rows = (
            await conn.execute(
                select(
                    deliveries,
                    alerts.c.kind,
                    alerts.c.unit_id,
                    alerts.c.critical.label("alert_critical"),
                    org_units.c.name.label("unit_name"),
                )
                .join(alerts, alerts.c.alert_id == deliveries.c.alert_id)
                .outerjoin(org_units, org_units.c.unit_id == alerts.c.unit_id)
                .where(_inbox_filter(principal, unread_only))
                .order_by(deliveries.c.created_at.desc(), deliveries.c.delivery_id)
                .limit(limit)
                .offset(offset)
            )
        ).all()
    return {
        "total": total,
        "unread": unread,
        "items": [
            {
                "delivery_id": r.delivery_id,
                "alert_id": r.alert_id,
                "kind": r.kind,
                "unit_id": r.unit_id,
                "unit_name": r.unit_name or r.unit_id,  # people read names; the id stays for links
                "critical": r.alert_critical,
                "subject": r.subject,
                "body": r.body,
                "link": r.link,
                "created_at": iso(r.created_at),
                "read_at": iso(r.read_at),
            }
            for r in rows
        ],
    }


@router.get("/inbox/unread-count", tags=["inbox"], summary="How many of your alerts are unread")
async def unread_count(request: Request, principal: CurrentPrincipal) -> dict[str, int]:
    async with request.app.state.runtime.db.read() as conn:
        unread = (
            await conn.execute(
                select(func.count()).select_from(deliveries).where(_inbox_filter(principal, True))
            )
        ).scalar_one()
    return {"unread": int(unread)}


@router.post("/inbox/{delivery_id}/read", tags=["inbox"], summary="Mark one alert of your inbox read")
async def mark_read(request: Request, delivery_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
    runtime = request.app.state.runtime
    now = request.app.state.clock.now().astimezone(UTC)
    async with runtime.db.transaction() as conn:
        row = (
            await conn.execute(
                select(deliveries.c.read_at).where(
                    _inbox_filter(principal), deliveries.c.delivery_id == delivery_id
                )
            )
        ).first()
        if row is None:
            raise NotFoundError(
                f"your inbox has no alert {delivery_id!r}",
                rule="unknown_inbox_item",
                field="delivery_id",
                value=delivery_id,
                accepted="the delivery_id of an item of GET /inbox",
            )
        read_at = row.read_at or now
        if row.read_at is None:
            await conn.execute(
                update(deliveries).where(deliveries.c.delivery_id == delivery_id).values(read_at=read_at)
            )
    return {"delivery_id": delivery_id, "read_at": iso(read_at)}
