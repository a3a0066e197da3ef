"""Revision 0001, the first: notifications's tables as the release before migrations made them.

See :mod:`shared.migrations.first_release`.
"""

from __future__ import annotations

from shared.migrations.first_release import create_first_release, table

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_first_release(
        table(
            "alerts",
            "alert_id VARCHAR(36) KEY",
            "source_id VARCHAR(300)",
            "kind VARCHAR(40)",
            "unit_id VARCHAR(63)",
            "unit_path VARCHAR(1000) INDEX",
            "critical BOOLEAN",
            "subject TEXT",
            "body TEXT",
            "link VARCHAR(2000)",
            "facts TEXT",
            "occurred_at TIMESTAMPTZ",
            "created_at TIMESTAMPTZ",
        ),
        table(
            "deadlines_met",
            "unit_id VARCHAR(63) KEY",
            "deadline_id VARCHAR(100) KEY",
            "year INTEGER KEY",
            "met_at TIMESTAMPTZ",
            "event_id VARCHAR(36)",
        ),
        table(
            "deliveries",
            "delivery_id VARCHAR(36) KEY",
            "alert_id VARCHAR(36) NULL INDEX",
            "officer_id VARCHAR(200) INDEX",
            "channel VARCHAR(10)",
            "subscription_id VARCHAR(64) NULL",
            "status VARCHAR(12)",
            "critical BOOLEAN",
            "subject TEXT",
            "body TEXT",
            "link VARCHAR(2000)",
            "due_at TIMESTAMPTZ",
            "attempts INTEGER",
            "first_tried_at TIMESTAMPTZ NULL",
            "last_error TEXT NULL",
            "delivered_at TIMESTAMPTZ NULL",
            "digest_id VARCHAR(36) NULL INDEX",
            "read_at TIMESTAMPTZ NULL",
            "created_at TIMESTAMPTZ",
            indexes={"ix_deliveries_due": ("status", "due_at")},
        ),
        table(
            "indicators_at_risk",
            "unit_id VARCHAR(63) KEY",
            "indicator_id VARCHAR(20) KEY",
            "period VARCHAR(20) KEY",
            "unit_path VARCHAR(1000)",
            "year INTEGER",
            "criterion INTEGER",
            "closes_on DATE",
            "resolved BOOLEAN",
        ),
        table(
            "notification_watermarks",
            "name VARCHAR(100) KEY",
            "value BIGINT",
        ),
        table(
            "officers",
            "officer_id VARCHAR(200) KEY",
            "unit_id VARCHAR(63) INDEX",
            "name VARCHAR(300)",
            "email VARCHAR(320) NULL",
            "webhook_url VARCHAR(2000) NULL",
            "webhook_secret VARCHAR(200) NULL",
            "updated_at TIMESTAMPTZ",
        ),
        table(
            "subscriptions",
            "subscription_id VARCHAR(64) KEY",
            "officer_id VARCHAR(200) INDEX",
            "unit_id VARCHAR(63)",
            "unit_path VARCHAR(1000) INDEX",
            "kinds TEXT",
            "channels TEXT",
            "mode VARCHAR(20)",
            "quiet_start VARCHAR(5) NULL",
            "quiet_end VARCHAR(5) NULL",
            "digest_hour INTEGER",
            "active BOOLEAN",
            "created_at TIMESTAMPTZ",
        ),
    )
