"""The schema of the release before migrations (what its ``create_all`` made).

Revision 0001, the first: the tables as they were when migrations began, so that a database made
by that release is stamped here and upgraded. Forward only: an upgrade that fails rolls back whole;
going back to an older release is restoring the backup taken before upgrading.
"""

from __future__ import annotations

from shared.migrations.first_release import create_common_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_common_tables()
