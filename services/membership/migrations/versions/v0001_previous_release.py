"""Revision 0001, the first: membership's tables as the release before migrations made them.

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
            "hardship_cases",
            "case_id VARCHAR(64) KEY",
            "unit_id VARCHAR(63) INDEX",
            "unit_path VARCHAR(1000) INDEX",
            "listed_on DATE",
            "closed_on DATE NULL",
            "sensitive TEXT NULL",
            "care_actions INTEGER",
            "last_care_on DATE NULL",
        ),
        table(
            "members",
            "member_id VARCHAR(64) KEY",
            "branch_id VARCHAR(63) INDEX",
            "unit_path VARCHAR(1000) INDEX",
            "status VARCHAR(20)",
            "joined_on DATE",
            "in_branch_since DATE",
            "admission_decision_ref VARCHAR(100)",
            "referred_by VARCHAR(64) NULL",
            "birth_year INTEGER NULL",
            "profile TEXT NULL",
            "missing_fields VARCHAR(300)",
            "card_number VARCHAR(50) NULL",
            "transfer_id VARCHAR(64) NULL",
            "last_rating_year INTEGER NULL",
            "last_rating VARCHAR(20) NULL",
            "extended_until DATE NULL",
            "erased BOOLEAN",
            "updated_at TIMESTAMPTZ",
        ),
        table(
            "unit_reports",
            "unit_id VARCHAR(63) KEY",
            "kind VARCHAR(30) KEY",
            "period VARCHAR(10) KEY",
            "recorded_on DATE",
        ),
        table(
            "person_keys",
            "person_id VARCHAR(100) KEY",
            "key BLOB(32)",
            "created_at TIMESTAMPTZ",
        ),
        table(
            "personal_reads",
            "id SERIAL KEY",
            "read_at TIMESTAMPTZ",
            "reader VARCHAR(200)",
            "role VARCHAR(30)",
            "person_id VARCHAR(100) INDEX",
            "unit_path VARCHAR(1000) INDEX",
            "fields VARCHAR(500)",
            "purpose VARCHAR(100)",
        ),
    )
