"""Notifications' own tables: officers' contacts, subscriptions, alerts and their deliveries."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from shared.store.columns import event_id, instant, unit_id, unit_path

metadata = MetaData()

officers = Table(
    "officers",
    metadata,
    Column("officer_id", String(200), primary_key=True),
    unit_id(index=True),
    Column("name", String(300), nullable=False, default=""),
    Column("email", String(320), nullable=True),
    Column("webhook_url", String(2000), nullable=True),
    Column("webhook_secret", String(200), nullable=True),
    # The language the officer reads alerts and e-mails in (vi, en): Vietnamese unless they chose.
    Column("language", String(5), nullable=False, default="vi", server_default="vi"),
    instant("updated_at"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("subscription_id", String(64), primary_key=True),
    Column("officer_id", String(200), nullable=False, index=True),
    unit_id(),
    unit_path(index=True),
    Column("kinds", Text, nullable=False),  # comma-separated AlertKind values
    Column("channels", Text, nullable=False),  # comma-separated Channel values
    Column("mode", String(20), nullable=False),
    Column("quiet_start", String(5), nullable=True),  # HH:MM, Vietnam time
    Column("quiet_end", String(5), nullable=True),
    Column("digest_hour", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    instant("created_at"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("alert_id", String(36), primary_key=True),  # uuid5 of (source, kind): raised once
    Column("source_id", String(300), nullable=False),
    Column("kind", String(40), nullable=False),
    unit_id(),
    unit_path(index=True),
    Column("critical", Boolean, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("link", String(2000), nullable=False),
    Column("facts", Text, nullable=False),  # JSON
    instant("occurred_at"),
    instant("created_at"),
)

deliveries = Table(
    "deliveries",
    metadata,
    # uuid5 of (alert, officer, channel), or of (officer, channel, day) for a digest: one of each, ever.
    Column("delivery_id", String(36), primary_key=True),
    Column("alert_id", String(36), nullable=True, index=True),  # None for a digest
    Column("officer_id", String(200), nullable=False, index=True),
    Column("channel", String(10), nullable=False),
    Column("subscription_id", String(64), nullable=True),
    # pending, deferred (quiet hours), retrying, in_digest, digested, delivered, undelivered
    Column("status", String(12), nullable=False),
    Column("critical", Boolean, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("link", String(2000), nullable=False),
    instant("due_at"),
    Column("attempts", Integer, nullable=False),
    instant("first_tried_at", nullable=True),
    Column("last_error", Text, nullable=True),
    instant("delivered_at", nullable=True),
    Column("digest_id", String(36), nullable=True, index=True),
    instant("read_at", nullable=True),
    instant("created_at"),
    Index("ix_deliveries_due", "status", "due_at"),
)

deadlines_met = Table(
    "deadlines_met",
    metadata,
    unit_id(primary_key=True),
    Column("deadline_id", String(100), primary_key=True),
    Column("year", Integer, primary_key=True),
    instant("met_at"),
    event_id(),
)

at_risk = Table(
    "indicators_at_risk",
    metadata,
    unit_id(primary_key=True),
    Column("indicator_id", String(20), primary_key=True),
    Column("period", String(20), primary_key=True),
    unit_path(),
    Column("year", Integer, nullable=False),
    Column("criterion", Integer, nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("resolved", Boolean, nullable=False),
)

watermarks = Table(
    "notification_watermarks",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# What is open now for each union (việc đang mở): the alert that says it last, and until when it matters.
# ``topic``: ``status:<year>`` (the union's compliance), ``decision:<year>`` (a self-assessment awaiting
# its decision), ``deadline:<deadline>:<year>`` and ``reminder:<year>:<criterion>:<indicator>:<period>``
# (reminders). An officer who subscribes receives the open ones about the units they follow.
open_items = Table(
    "open_items",
    metadata,
    unit_id(primary_key=True),
    Column("topic", String(300), primary_key=True),
    unit_path(index=True),
    Column("alert_id", String(36), nullable=False),
    Column("kinds", Text, nullable=False),  # comma-separated AlertKind values of the alert
    Column("open", Boolean, nullable=False),
    Column("until", Date, nullable=True),  # the last day it matters; None: until closed
    instant("updated_at"),
)

# The mail server, as an operator set it (PUT /mail-settings): one row, overriding NOTIFICATIONS_SMTP_*.
mail_settings = Table(
    "mail_settings",
    metadata,
    Column("name", String(20), primary_key=True),  # "smtp"
    Column("host", String(300), nullable=True),  # None: no mail server, e-mails are held
    Column("port", Integer, nullable=False),
    Column("username", String(300), nullable=True),
    Column("password", String(500), nullable=True),
    Column("starttls", Boolean, nullable=False),
    Column("tls", Boolean, nullable=False),
    Column("sender", String(500), nullable=False),
    Column("updated_by", String(200), nullable=False),
    instant("updated_at"),
)

# The officer directory (adapters/directory.py): identity's grants, who holds which role where.
officer_grants = Table(
    "officer_grants",
    metadata,
    Column("grant_id", String(100), primary_key=True),
    Column("officer_id", String(200), nullable=False, index=True),
    Column("role", String(40), nullable=False),
    unit_id(index=True),
    unit_path(),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=True),
    Column("revoked", Boolean, nullable=False),
)
