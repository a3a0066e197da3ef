"""Subscriptions: which units' alerts an officer receives, by which channels and when."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import select

from services.notifications.adapters.tables import subscriptions
from services.notifications.domain import commands as cmds
from services.notifications.domain.subscriptions import OFFICERS_KINDS
from shared.contracts.notifications import AlertKind, Channel, DeliveryMode, QuietHours
from shared.http.auth import CurrentPrincipal
from shared.http.bodies import RequestBody
from shared.http.commands import Commands
from shared.ids import UnitId

router = APIRouter()


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
async def subscribe(body: SubscribeRequest, run: Commands) -> JSONResponse:
    command = cmds.SubscribeOfficer(
        unit_id=body.unit_id,
        kinds=tuple(body.kinds),
        channels=tuple(body.channels),
        mode=body.mode,
        quiet_hours=body.quiet_hours,
        digest_hour=body.digest_hour,
    )
    return await run(command)


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
async def cancel(subscription_id: str, run: Commands) -> JSONResponse:
    command = cmds.CancelSubscription(subscription_id=subscription_id)
    return await run(command, status_code=200, subscription_id=subscription_id)
