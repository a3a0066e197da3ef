"""Officers' language

Revision 0003, after 0002. Each officer reads alerts and e-mails in a language of their own (Vietnamese
unless they chose English); officers known before keep Vietnamese. Forward only: an upgrade that fails
rolls back whole; going back to an older release is restoring the backup taken before upgrading.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), server_default="vi", nullable=False))
