"""The dashboard's schema history: the tables every service has (its org tree copy), see docs/operations.md."""

from pathlib import Path

from shared.migrations import SchemaHistory

SCHEMA = SchemaHistory.of("dashboard", Path(__file__).parent / "versions")
