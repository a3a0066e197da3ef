"""What the routes of notifications' API share: the command handlers and how a time is written."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request

from services.notifications.app.handlers import NotificationHandlers


def handlers_of(request: Request) -> NotificationHandlers:
    handlers: NotificationHandlers = request.app.state.handlers
    return handlers


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
