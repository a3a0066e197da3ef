"""Notifications' schema history: its tables and the revisions in ``versions/`` (see docs/operations.md)."""

from pathlib import Path

from services.notifications.adapters.tables import metadata as notification_metadata
from shared.migrations import SchemaHistory

SCHEMA = SchemaHistory.of("notifications", Path(__file__).parent / "versions", notification_metadata)
