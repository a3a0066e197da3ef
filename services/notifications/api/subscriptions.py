"""Subscriptions: which units' alerts an officer receives, by which channels and when."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import select

from services.notifications.adapters.tables import subscriptions
from services.notifications.api.common import handlers_of
from services.notifications.app.handlers import new_subscription_id
from shared.auth import Permission
from shared.contracts.notifications import AlertKind, Channel, DeliveryMode, OfficerSubscribed, QuietHours
from shared.errors import ForbiddenError
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.bodies import RequestBody
from shared.http.idempotency import IdempotencyKey, run_command
from shared.ids import UnitId

router = APIRouter()

OFFICERS_KINDS: tuple[AlertKind, ...] = tuple(k for k in AlertKind if k is not AlertKind.DEAD_LETTER)


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
        lambda idem: handlers_of(request).subscribe(principal, event, idempotency=idem),
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
    envs = await handlers_of(request).cancel(principal, subscription_id)
    return {"subscription_id": subscription_id, "events": [{"event_id": str(e.event_id)} for e in envs]}
