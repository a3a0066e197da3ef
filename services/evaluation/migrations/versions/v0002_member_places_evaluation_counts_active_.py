"""Member places: evaluation counts active members per branch

The previous release counted admissions per unit and every unit above; this one keeps each
member's place and counts active members per branch. The old counts cannot be turned into the
new ones, so they are dropped with the projection's checkpoints: on its next start evaluation
reads the membership history again from the beginning and counts anew.

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
        "evaluation_member_places",
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("branch_id", sa.String(length=63), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.execute("DELETE FROM unit_member_counts")
    op.execute("DELETE FROM projection_checkpoints WHERE projection = 'member_counts'")
