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
        "hardship_cases",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("sensitive", sa.Text(), nullable=True),
        sa.Column("care_actions", sa.Integer(), nullable=False),
        sa.Column("last_care_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("case_id"),
    )
    with op.batch_alter_table("hardship_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hardship_cases_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hardship_cases_unit_path"), ["unit_path"], unique=False)

    op.create_table(
        "members",
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("branch_id", sa.String(length=63), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("in_branch_since", sa.Date(), nullable=False),
        sa.Column("admission_decision_ref", sa.String(length=100), nullable=False),
        sa.Column("referred_by", sa.String(length=64), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("profile", sa.Text(), nullable=True),
        sa.Column("missing_fields", sa.String(length=300), nullable=False),
        sa.Column("card_number", sa.String(length=50), nullable=True),
        sa.Column("transfer_id", sa.String(length=64), nullable=True),
        sa.Column("last_rating_year", sa.Integer(), nullable=True),
        sa.Column("last_rating", sa.String(length=20), nullable=True),
        sa.Column("extended_until", sa.Date(), nullable=True),
        sa.Column("erased", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("member_id"),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_members_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_members_unit_path"), ["unit_path"], unique=False)

    op.create_table(
        "unit_reports",
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "kind", "period"),
    )
    op.create_table(
        "person_keys",
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_table(
        "personal_reads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reader", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("fields", sa.String(length=500), nullable=False),
        sa.Column("purpose", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("personal_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_personal_reads_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_personal_reads_unit_path"), ["unit_path"], unique=False)
