"""Amounts in VND and timeline positions as BIGINT: a value above 2^31 fits on PostgreSQL

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
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.alter_column(
            "value_vnd", existing_type=sa.INTEGER(), type_=sa.BigInteger(), existing_nullable=True
        )

    with op.batch_alter_table("planning_timeline", schema=None) as batch_op:
        batch_op.alter_column(
            "position", existing_type=sa.INTEGER(), type_=sa.BigInteger(), existing_nullable=False
        )
