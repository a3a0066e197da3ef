"""Notifications' HTTP API: officers' contacts, subscriptions, the in-app inbox and delivery status."""

from fastapi import APIRouter

from services.notifications.api import deliveries, inbox, mail, officers, subscriptions

router = APIRouter()
for part in (officers, subscriptions, inbox, deliveries, mail):
    router.include_router(part.router)

__all__ = ["router"]
