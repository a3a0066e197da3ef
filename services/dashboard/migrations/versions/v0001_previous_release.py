"""Revision 0001, the first: the dashboard has only the tables every service has, as the release before
migrations made them (see :mod:`shared.migrations.first_release`).
"""

from __future__ import annotations

from shared.migrations.first_release import create_first_release

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_first_release()
