"""What the routes of notifications' API share: the officers' contacts, the subscriptions, how a time
is written."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request

from services.notifications.app.officers import OfficerContacts
from services.notifications.app.subscriptions import SubscriptionHandlers


def contacts_of(request: Request) -> OfficerContacts:
    contacts: OfficerContacts = request.app.state.contacts
    return contacts


def subscriptions_of(request: Request) -> SubscriptionHandlers:
    handlers: SubscriptionHandlers = request.app.state.subscriptions
    return handlers


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
