"""The dashboard's schema history: the tables every service has (its org tree copy) and its sign-in
sessions, see docs/operations.md."""

from pathlib import Path

from services.dashboard.adapters.sessions import metadata as session_metadata
from shared.migrations import SchemaHistory

SCHEMA = SchemaHistory.of("dashboard", Path(__file__).parent / "versions", session_metadata)
