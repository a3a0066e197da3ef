"""Evaluation's schema history: its tables and the revisions in ``versions/`` (see docs/operations.md)."""

from pathlib import Path

from services.evaluation.adapters.member_counts import metadata as counts_metadata
from services.evaluation.adapters.tables import metadata as evaluation_metadata
from shared.migrations import SchemaHistory

SCHEMA = SchemaHistory.of(
    "evaluation", Path(__file__).parent / "versions", counts_metadata, evaluation_metadata
)
