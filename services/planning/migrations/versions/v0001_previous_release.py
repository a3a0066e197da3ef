"""The schema of the release before migrations (what its ``create_all`` made).

Revision 0001, the first: the tables as they were when migrations began, so that a database made
by that release is stamped here and upgraded. Forward only: an upgrade that fails rolls back whole;
going back to an older release is restoring the backup taken before upgrading.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.migrations.first_release import create_common_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_common_tables()
    op.create_table(
        "activities",
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("record_kind", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("subkind", sa.String(length=30), nullable=True),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("value_vnd", sa.Integer(), nullable=True),  # BigInteger from 0002
        sa.PrimaryKeyConstraint("record_id", "record_kind"),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activities_unit_path"), ["unit_path"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("attachment_id", sa.String(length=100), nullable=False),
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("subject_event_id", sa.String(length=36), nullable=True),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("attachment_id"),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "branch_meetings",
        sa.Column("meeting_id", sa.String(length=100), nullable=False),
        sa.Column("branch_id", sa.String(length=63), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("present_count", sa.Integer(), nullable=False),
        sa.Column("expected_count", sa.Integer(), nullable=False),
        sa.Column("joint_branch_ids", sa.Text(), nullable=False),
        sa.Column("has_minutes", sa.Boolean(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    with op.batch_alter_table("branch_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_branch_meetings_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_branch_meetings_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_branch_meetings_unit_path"), ["unit_path"], unique=False)

    op.create_table(
        "model_registrations",
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("recognising_unit_id", sa.String(length=63), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("unit_id", "year"),
    )
    op.create_table(
        "planning_timeline",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),  # BigInteger from 0002
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("planning_timeline", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planning_timeline_on_date"), ["on_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_planning_timeline_type"), ["type"], unique=False)
        batch_op.create_index(batch_op.f("ix_planning_timeline_unit_path"), ["unit_path"], unique=False)

    op.create_table(
        "plans",
        sa.Column("plan_id", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("targets", sa.Text(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("approved_by_unit_id", sa.String(length=63), nullable=True),
        sa.Column("returns", sa.Text(), nullable=False),
        sa.Column("party_submitted_on", sa.Date(), nullable=True),
        sa.Column("party_opinion_on", sa.Date(), nullable=True),
        sa.Column("party_opinion", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "planning_members",
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("branch_id", sa.String(length=63), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("member_id"),
    )
    with op.batch_alter_table("planning_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planning_members_branch_id"), ["branch_id"], unique=False)
