"""Words of advisory proposals and outcomes beside their facts; census facts

The facts projection now also keeps the subject of each advisory proposal and the result and note of
its outcome (``evaluation_event_texts``), and one fact per category of each youth census
(``youth_census``). Both come from events already in the history: after upgrading, rebuild the
projection (``chudong rebuild evaluation evaluation_facts``) to have them for what was recorded before.

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
        "evaluation_event_texts",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("record_id", sa.String(length=120), nullable=False),
        sa.Column("texts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("evaluation_event_texts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_event_texts_record_id"), ["record_id"], unique=False)
