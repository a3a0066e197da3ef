"""Open items and the mail server

Revision 0002, after 0001. Forward only: an upgrade that fails rolls back whole;
going back to an older release is restoring the backup taken before upgrading.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_settings",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("host", sa.String(length=300), nullable=True),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=300), nullable=True),
        sa.Column("password", sa.String(length=500), nullable=True),
        sa.Column("starttls", sa.Boolean(), nullable=False),
        sa.Column("tls", sa.Boolean(), nullable=False),
        sa.Column("sender", sa.String(length=500), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "open_items",
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("alert_id", sa.String(length=36), nullable=False),
        sa.Column("kinds", sa.Text(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "topic"),
    )
    with op.batch_alter_table("open_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open_items_unit_path"), ["unit_path"], unique=False)
