"""Revision 0001, the first: planning's tables as the release before migrations made them.

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
            "activities",
            "record_id VARCHAR(100) KEY",
            "record_kind VARCHAR(20) KEY",
            "unit_id VARCHAR(63) INDEX",
            "unit_path VARCHAR(1000) INDEX",
            "title VARCHAR(500)",
            "subkind VARCHAR(30) NULL",
            "planned_on DATE",
            "status VARCHAR(20)",
            "closed_on DATE NULL",
            "reason TEXT NULL",
            "participants INTEGER NULL",
            "value_vnd INTEGER NULL",  # BigInteger from 0002
        ),
        table(
            "attachments",
            "attachment_id VARCHAR(100) KEY",
            "unit_id VARCHAR(63) INDEX",
            "unit_path VARCHAR(1000)",
            "file_name VARCHAR(255)",
            "media_type VARCHAR(100)",
            "size_bytes INTEGER",
            "sha256 VARCHAR(64)",
            "subject_event_id VARCHAR(36) NULL",
            "event_id VARCHAR(36)",
            "recorded_at TIMESTAMPTZ",
        ),
        table(
            "branch_meetings",
            "meeting_id VARCHAR(100) KEY",
            "branch_id VARCHAR(63) INDEX",
            "unit_path VARCHAR(1000) INDEX",
            "held_on DATE",
            "month VARCHAR(7) INDEX",
            "kind VARCHAR(20)",
            "present_count INTEGER",
            "expected_count INTEGER",
            "joint_branch_ids TEXT",
            "has_minutes BOOLEAN",
            "event_id VARCHAR(36)",
        ),
        table(
            "model_registrations",
            "unit_id VARCHAR(63) KEY",
            "year INTEGER KEY",
            "registered_on DATE",
            "recognising_unit_id VARCHAR(63)",
            "deadline DATE NULL",
        ),
        table(
            "planning_timeline",
            "event_id VARCHAR(36) KEY",
            "position INTEGER",  # BigInteger from 0002
            "type VARCHAR(100) INDEX",
            "unit_path VARCHAR(1000) INDEX",
            "on_date DATE INDEX",
            "summary TEXT",
        ),
        table(
            "plans",
            "plan_id VARCHAR(200) KEY",
            "unit_id VARCHAR(63) INDEX",
            "unit_path VARCHAR(1000)",
            "year INTEGER",
            "kind VARCHAR(30)",
            "title VARCHAR(500)",
            "status VARCHAR(20)",
            "targets TEXT",
            "submitted_on DATE NULL",
            "approved_on DATE NULL",
            "approved_by_unit_id VARCHAR(63) NULL",
            "returns TEXT",
            "party_submitted_on DATE NULL",
            "party_opinion_on DATE NULL",
            "party_opinion TEXT NULL",
            "updated_at TIMESTAMPTZ",
        ),
        table(
            "planning_members",
            "member_id VARCHAR(64) KEY",
            "branch_id VARCHAR(63) INDEX",
            "status VARCHAR(20)",
        ),
    )
