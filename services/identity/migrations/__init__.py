"""Identity's schema history: its tables and the revisions in ``versions/`` (see docs/operations.md)."""

from pathlib import Path

from services.identity.adapters.tables import metadata as identity_metadata
from shared.migrations import SchemaHistory
from shared.store import keys

SCHEMA = SchemaHistory.of("identity", Path(__file__).parent / "versions", identity_metadata, keys.metadata)
