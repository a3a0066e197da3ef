"""Planning's schema history: its tables and the revisions in ``versions/`` (see docs/operations.md)."""

from pathlib import Path

from services.planning.adapters.members import metadata as members_metadata
from services.planning.adapters.read_models import metadata as read_metadata
from shared.migrations import SchemaHistory

SCHEMA = SchemaHistory.of("planning", Path(__file__).parent / "versions", read_metadata, members_metadata)
