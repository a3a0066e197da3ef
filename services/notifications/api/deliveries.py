"""Delivery status: an alert and each of its deliveries, and the deliveries an officer or operator may see."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from services.notifications.adapters.tables import alerts, deliveries
from services.notifications.api.common import iso
from shared.auth import Permission
from shared.contracts.notifications import Channel
from shared.errors import NotFoundError
from shared.http.auth import CurrentPrincipal, scope_path
from shared.http.params import Limit, Offset
from shared.ids import path_contains

router = APIRouter()


def _delivery_view(r: Any) -> dict[str, Any]:
    return {
        "delivery_id": r.delivery_id,
        "alert_id": r.alert_id,
        "officer_id": r.officer_id,
        "channel": r.channel,
        "status": r.status,
        "attempts": r.attempts,
        "last_error": r.last_error,
        "due_at": iso(r.due_at),
        "delivered_at": iso(r.delivered_at),
        "digest_id": r.digest_id,
    }


@router.get(
    "/alerts/{alert_id}", tags=["delivery status"], summary="An alert and the status of each delivery"
)
async def get_alert(request: Request, alert_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
    async with request.app.state.runtime.db.read() as conn:
        alert = (await conn.execute(select(alerts).where(alerts.c.alert_id == alert_id))).first()
        rows = (await conn.execute(select(deliveries).where(deliveries.c.alert_id == alert_id))).all()
    scope = await scope_path(request, principal)
    mine = [r for r in rows if r.officer_id == principal.subject]
    if alert is None or not (path_contains(scope, alert.unit_path) or mine):
        raise NotFoundError(
            f"no alert {alert_id!r} that you may see",
            rule="unknown_alert",
            field="alert_id",
            value=alert_id,
            accepted="the id of an alert about your unit or sent to you",
        )
    visible = rows if path_contains(scope, alert.unit_path) and principal.can(Permission.READ) else mine
    changes = json.loads(alert.facts).get("changes") or []
    return {
        "alert_id": alert.alert_id,
        "source_id": alert.source_id,
        "kind": alert.kind,
        # A union's change: each part (its kind) and the event that said it.
        "kinds": list(dict.fromkeys([alert.kind, *(c["kind"] for c in changes)])),
        "event_ids": [c["event_id"] for c in changes],
        "unit_id": alert.unit_id,
        "critical": alert.critical,
        "subject": alert.subject,
        "body": alert.body,
        "link": alert.link,
        "created_at": iso(alert.created_at),
        "deliveries": [_delivery_view(r) for r in visible],
    }


@router.get("/deliveries", tags=["delivery status"], summary="Deliveries: yours, or (operators) all in scope")
async def list_deliveries(
    request: Request,
    principal: CurrentPrincipal,
    status: Annotated[
        str | None, Query(pattern="^(pending|deferred|retrying|in_digest|digested|delivered|undelivered)$")
    ] = None,
    channel: Channel | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    query = select(deliveries).outerjoin(alerts, alerts.c.alert_id == deliveries.c.alert_id)
    if principal.can(Permission.OPERATE):
        scope = await scope_path(request, principal)
        query = query.where(
            (deliveries.c.alert_id.is_(None))
            | (alerts.c.unit_path == scope)
            | alerts.c.unit_path.startswith(scope + ".", autoescape=True)
        )
    else:
        query = query.where(deliveries.c.officer_id == principal.subject)
    if status is not None:
        query = query.where(deliveries.c.status == status)
    if channel is not None:
        query = query.where(deliveries.c.channel == channel.value)
    async with request.app.state.runtime.db.read() as conn:
        rows = (
            await conn.execute(
                query.order_by(deliveries.c.created_at.desc(), deliveries.c.delivery_id)
                .limit(limit)
                .offset(offset)
            )
        ).all()
    return {"limit": limit, "offset": offset, "items": [_delivery_view(r) for r in rows]}
