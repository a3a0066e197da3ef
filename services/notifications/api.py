"""Notifications' HTTP API: officers' contacts, subscriptions, the in-app inbox and delivery status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import and_, func, select, update

from services.notifications.adapters.tables import alerts, deliveries, subscriptions
from services.notifications.app.handlers import NotificationHandlers, new_subscription_id
from shared.auth import Permission, Principal
from shared.contracts.notifications import AlertKind, Channel, DeliveryMode, OfficerSubscribed, QuietHours
from shared.contracts.text import Line
from shared.errors import ForbiddenError, NotFoundError
from shared.http.auth import CurrentPrincipal, authorize, scope_path
from shared.http.bodies import RequestBody
from shared.http.idempotency import IdempotencyKey, run_command
from shared.http.params import Limit, Offset
from shared.ids import UnitId, path_contains

router = APIRouter()

OFFICERS_KINDS: tuple[AlertKind, ...] = tuple(k for k in AlertKind if k is not AlertKind.DEAD_LETTER)
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ContactRequest(RequestBody):
    name: Line = Field(default="", max_length=300)
    email: Line | None = Field(default=None, pattern=EMAIL_PATTERN, max_length=320)
    webhook_url: Line | None = Field(
        default=None, pattern=r"^https?://\S+$", max_length=2000, description="receives signed POSTs"
    )
    rotate_webhook_secret: bool = False


class SubscribeRequest(RequestBody):
    unit_id: UnitId = Field(description="alerts about this unit and every unit below it")
    kinds: list[AlertKind] = Field(
        default_factory=lambda: list(OFFICERS_KINDS),
        min_length=1,
        description="every kind but dead_letter (for operators) by default",
    )
    channels: list[Channel] = Field(default_factory=lambda: [Channel.INBOX], min_length=1)
    mode: DeliveryMode = DeliveryMode.IMMEDIATE
    quiet_hours: QuietHours | None = Field(
        default=None, description="Vietnam time, e.g. {'start': '21:00', 'end': '07:00'}"
    )
    digest_hour: int = Field(
        default=7, ge=0, le=23, description="when the daily digest leaves (Vietnam time)"
    )


def _handlers(request: Request) -> NotificationHandlers:
    handlers: NotificationHandlers = request.app.state.handlers
    return handlers


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@router.put("/officers/me", tags=["officers"], summary="Set your name, e-mail address and webhook")
async def set_contact(request: Request, body: ContactRequest, principal: CurrentPrincipal) -> dict[str, Any]:
    await authorize(request, principal, Permission.SUBSCRIBE, principal.unit_id)
    officer, fresh_secret = await _handlers(request).set_contact(
        principal,
        name=body.name,
        email=body.email,
        webhook_url=body.webhook_url,
        rotate_secret=body.rotate_webhook_secret,
    )
    answer: dict[str, Any] = {
        "officer_id": officer.officer_id,
        "unit_id": officer.unit_id,
        "name": officer.name,
        "email": officer.email,
        "webhook_url": officer.webhook_url,
    }
    if fresh_secret is not None:
        answer["webhook_secret"] = fresh_secret  # shown once: the receiver checks signatures with it
    return answer


@router.delete("/officers/me", tags=["officers"], summary="Erase your contact details")
async def erase_contact(request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    """Your e-mail address and webhook are forgotten; what was not sent yet by them becomes undelivered."""
    erased = await _handlers(request).erase_contact(principal)
    return {"officer_id": principal.subject, "erased": erased}


@router.get("/officers/me", tags=["officers"], summary="Your contact details")
async def get_contact(request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    found = await _handlers(request).officer(principal.subject)
    if found is None:
        raise NotFoundError(
            "you have not set your contact details",
            rule="unknown_officer",
            field="officer_id",
            value=principal.subject,
            accepted="PUT /officers/me first",
        )
    officer = found[0]
    return {
        "officer_id": officer.officer_id,
        "unit_id": officer.unit_id,
        "name": officer.name,
        "email": officer.email,
        "webhook_url": officer.webhook_url,
    }


@router.post(
    "/subscriptions", status_code=201, tags=["subscriptions"], summary="Subscribe to a unit's alerts"
)
async def subscribe(
    request: Request,
    body: SubscribeRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await authorize(request, principal, Permission.SUBSCRIBE, body.unit_id)
    if AlertKind.DEAD_LETTER in body.kinds and not principal.can(Permission.OPERATE):
        raise ForbiddenError(
            "dead letters are for operators",
            rule="forbidden_role",
            field="kinds",
            value=[k.value for k in body.kinds],
            accepted="kinds without 'dead_letter', or an operator's token",
        )
    event = OfficerSubscribed(
        subscription_id=new_subscription_id(),
        officer_id=principal.subject,
        unit_id=body.unit_id,
        kinds=tuple(dict.fromkeys(body.kinds)),
        channels=tuple(dict.fromkeys(body.channels)),
        mode=body.mode,
        quiet_hours=body.quiet_hours,
        digest_hour=body.digest_hour,
    )
    return await run_command(
        request,
        request.app.state.runtime.store,
        idempotency_key,
        body,
        lambda idem: _handlers(request).subscribe(principal, event, idempotency=idem),
        lambda envs: {
            "subscription_id": event.subscription_id,
            "events": [{"event_id": str(e.event_id), "type": e.type} for e in envs],
        },
    )


@router.get("/subscriptions", tags=["subscriptions"], summary="Your active subscriptions")
async def my_subscriptions(request: Request, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    async with request.app.state.runtime.db.read() as conn:
        rows = (
            await conn.execute(
                select(subscriptions)
                .where(subscriptions.c.officer_id == principal.subject, subscriptions.c.active.is_(True))
                .order_by(subscriptions.c.created_at)
            )
        ).all()
    return [
        {
            "subscription_id": r.subscription_id,
            "unit_id": r.unit_id,
            "kinds": r.kinds.split(","),
            "channels": r.channels.split(","),
            "mode": r.mode,
            "quiet_hours": {"start": r.quiet_start, "end": r.quiet_end} if r.quiet_start else None,
            "digest_hour": r.digest_hour,
        }
        for r in rows
    ]


@router.delete("/subscriptions/{subscription_id}", tags=["subscriptions"], summary="Stop a subscription")
async def cancel(request: Request, subscription_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
    envs = await _handlers(request).cancel(principal, subscription_id)
    return {"subscription_id": subscription_id, "events": [{"event_id": str(e.event_id)} for e in envs]}


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
                select(deliveries, alerts.c.kind, alerts.c.unit_id, alerts.c.critical.label("alert_critical"))
                .join(alerts, alerts.c.alert_id == deliveries.c.alert_id)
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
                "critical": r.alert_critical,
                "subject": r.subject,
                "body": r.body,
                "link": r.link,
                "created_at": _iso(r.created_at),
                "read_at": _iso(r.read_at),
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
    return {"delivery_id": delivery_id, "read_at": _iso(read_at)}


def _delivery_view(r: Any) -> dict[str, Any]:
    return {
        "delivery_id": r.delivery_id,
        "alert_id": r.alert_id,
        "officer_id": r.officer_id,
        "channel": r.channel,
        "status": r.status,
        "attempts": r.attempts,
        "last_error": r.last_error,
        "due_at": _iso(r.due_at),
        "delivered_at": _iso(r.delivered_at),
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
    return {
        "alert_id": alert.alert_id,
        "source_id": alert.source_id,
        "kind": alert.kind,
        "unit_id": alert.unit_id,
        "critical": alert.critical,
        "subject": alert.subject,
        "body": alert.body,
        "link": alert.link,
        "created_at": _iso(alert.created_at),
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
