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
        "unit_member_counts",
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("active_members", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    op.create_table(
        "evaluation_dirty_units",
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    op.create_table(
        "evaluation_facts",
        sa.Column("fact_id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("fact_id"),
    )
    with op.batch_alter_table("evaluation_facts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_facts_subject"), ["subject"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluation_facts_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "evaluation_recognition",
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("recognising_unit_id", sa.String(length=63), nullable=True),
        sa.Column("self_assessed_on", sa.Date(), nullable=True),
        sa.Column("appraised", sa.String(length=20), nullable=False),
        sa.Column("decision_number", sa.String(length=100), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("unit_id", "year"),
    )
    with op.batch_alter_table("evaluation_recognition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_recognition_path"), ["path"], unique=False)

    op.create_table(
        "evaluation_union_status",
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("c1", sa.String(length=20), nullable=False),
        sa.Column("c2", sa.String(length=20), nullable=False),
        sa.Column("c3", sa.String(length=20), nullable=False),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "year"),
    )
    with op.batch_alter_table("evaluation_union_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_union_status_path"), ["path"], unique=False)
