"""officer directory

Revision 0004, after 0003. Forward only: an upgrade that fails rolls back whole;
going back to an older release is restoring the backup taken before upgrading.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "officer_grants",
        sa.Column("grant_id", sa.String(length=100), nullable=False),
        sa.Column("officer_id", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=63), nullable=False),
        sa.Column("unit_path", sa.String(length=1000), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("grant_id"),
    )
    with op.batch_alter_table("officer_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_officer_grants_officer_id"), ["officer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_officer_grants_unit_id"), ["unit_id"], unique=False)
