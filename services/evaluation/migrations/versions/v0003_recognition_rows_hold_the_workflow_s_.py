"""Recognition rows hold the workflow's steps and the stream version they fold

The previous release moved a union's row along with every workflow event it consumed, whatever its
stream, while a step was decided on the events of the workflow's own stream: the overview could say
"self-assessed" where the union's page said "registered". This one keeps in each row the steps of the
workflow's stream folded by the workflow's own code. The old rows cannot be turned into the new ones:
they are deleted with the facts projection's checkpoints, so on its next start evaluation reads the
histories again from the beginning (facts are written again as they were, the rows anew).

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
    with op.batch_alter_table("evaluation_recognition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("steps", sa.Text(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
    op.execute("DELETE FROM evaluation_recognition")
    op.execute("DELETE FROM projection_checkpoints WHERE projection = 'evaluation_facts'")
