"""Membership's schema history: its tables and the revisions in ``versions/`` (see docs/operations.md)."""

from pathlib import Path

from services.membership.adapters import access_log, keys
from services.membership.adapters.read_models import metadata as read_metadata
from shared.migrations import SchemaHistory

SCHEMA = SchemaHistory.of(
    "membership", Path(__file__).parent / "versions", read_metadata, keys.metadata, access_log.metadata
)
