"""Revision 0001, the first: evaluation's tables as the release before migrations made them.

See :mod:`shared.migrations.first_release`.
"""

from __future__ import annotations

from shared.migrations.first_release import create_first_release, table

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_first_release(
        table(
            "unit_member_counts",
            "unit_id VARCHAR(63) KEY",
            "active_members INTEGER",
        ),
        table(
            "evaluation_dirty_units",
            "unit_id VARCHAR(63) KEY",
        ),
        table(
            "evaluation_facts",
            "fact_id VARCHAR(80) KEY",
            "kind VARCHAR(40)",
            "unit_id VARCHAR(63) INDEX",
            "subject VARCHAR(120) INDEX",
            "occurred_on DATE",
            "recorded_at TIMESTAMPTZ",
            "event_id VARCHAR(36)",
            "number BIGINT",
            "total INTEGER",
            "tag VARCHAR(120)",
        ),
        table(
            "evaluation_recognition",
            "unit_id VARCHAR(63) KEY",
            "year INTEGER KEY",
            "path VARCHAR(1000) INDEX",
            "stage VARCHAR(20)",
            "registered_on DATE NULL",
            "recognising_unit_id VARCHAR(63) NULL",
            "self_assessed_on DATE NULL",
            "appraised VARCHAR(20)",
            "decision_number VARCHAR(100) NULL",
            "decided_on DATE NULL",
            "reasons TEXT NULL",
        ),
        table(
            "evaluation_union_status",
            "unit_id VARCHAR(63) KEY",
            "year INTEGER KEY",
            "path VARCHAR(1000) INDEX",
            "status VARCHAR(20)",
            "c1 VARCHAR(20)",
            "c2 VARCHAR(20)",
            "c3 VARCHAR(20)",
            "indicators TEXT",
            "evaluated_on DATE",
            "updated_at TIMESTAMPTZ",
        ),
    )
