"""Member steps: planning checks attendance against the members of the branch on the day it met

The previous release kept each member's branch and status now (``planning_members``), and
checked a meeting's attendees against it, so a member who had moved since was refused at the
meetings of their months in the old branch. This one also keeps every change of a member's
status (``planning_member_steps``), from which their time in each branch is folded. The steps
are not in the old table: the roster projection's checkpoint is dropped, so on its next start
planning reads the membership history again from the beginning (its rows are written again
as they were, the steps for the first time).

Revision 0003, after 0002. Forward only: an upgrade that fails rolls back whole;
going back to an older release is restoring the backup taken before upgrading.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "planning_member_steps",
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("branch_id", sa.String(length=63), nullable=True),
        sa.PrimaryKeyConstraint("member_id", "version"),
    )
    with op.batch_alter_table("planning_member_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planning_member_steps_branch_id"), ["branch_id"], unique=False)
    op.execute("DELETE FROM projection_checkpoints WHERE projection = 'member_roster'")
