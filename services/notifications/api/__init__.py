"""Notifications' HTTP API: officers' contacts, subscriptions, the in-app inbox and delivery status."""

from fastapi import APIRouter

from services.notifications.api import deliveries, inbox, officers, subscriptions

router = APIRouter()
for part in (officers, subscriptions, inbox, deliveries):
    router.include_router(part.router)

__all__ = ["router"]
