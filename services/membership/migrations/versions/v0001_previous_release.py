"""The schema of the release before migrations (what its ``create_all`` made).

Revision 0001, the first: the tables as they were when migrations began, so that a database made
by that release is stamped here and upgraded. Forward only: an upgrade that fails rolls back whole;
going back to an older release is restoring the backup taken before upgrading.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "events",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("stream_id", sa.String(length=200), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("position"),
        sa.UniqueConstraint("event_id"),
        sa.UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_type"), ["type"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "outbox",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_table(
        "dead_letter_replays",
        sa.Column("consumer", sa.String(length=200), nullable=False),
        sa.Column("original_sequence", sa.BigInteger(), nullable=False),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "original_sequence"),
    )
    op.create_table(
        "projection_checkpoints",
        sa.Column("projection", sa.String(length=100), nullable=False),
        sa.Column("stream", sa.String(length=100), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("projection", "stream"),
    )
    op.create_table(
        "org_units",
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("parent_id", sa.String(length=63), nullable=True),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("unit_type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("recognising_unit_id", sa.String(length=63), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("unit_id"),
        sa.UniqueConstraint("path"),
    )
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_units_parent_id"), ["parent_id"], unique=False)

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
