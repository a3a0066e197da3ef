"""Revision 0001, the first: the tables every service has (its event store, checkpoints, org tree copy)
and identity's own (accounts, grants, logins, sign-in attempts, sessions, the per-account keys).

Identity came after migrations began: its first revision is its whole schema. See
:mod:`shared.migrations.first_release`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.migrations.first_release import create_first_release

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_first_release()
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(length=100), nullable=False),
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=True),
        sa.Column("erased", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_accounts_unit_path"), ["unit_path"], unique=False)

    op.create_table(
        "grants",
        sa.Column("grant_id", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("grant_id"),
    )
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grants_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grants_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grants_unit_path"), ["unit_path"], unique=False)

    op.create_table(
        "logins",
        sa.Column("login_key", sa.String(length=300), nullable=False),
        sa.Column("account_id", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("login_key"),
    )
    with op.batch_alter_table("logins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_logins_account_id"), ["account_id"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=100), nullable=False),
        sa.Column("grant_id", sa.String(length=100), nullable=False),
        sa.Column("refresh_hash", sa.String(length=64), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=True),
        sa.Column("method", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("session_id"),
        sa.UniqueConstraint("refresh_hash"),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sessions_previous_hash"), ["previous_hash"], unique=False)

    op.create_table(
        "sign_in_attempts",
        sa.Column("login_key", sa.String(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_totp_step", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("login_key"),
    )
    op.create_table(
        "person_keys",
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id"),
    )
