"""Evaluation's read models: facts, the words of some events, the dirty set, each union's last status, the recognition workflow."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, Date, Integer, MetaData, String, Table, Text

from shared.store.columns import event_id, instant, unit_id, unit_path

metadata = MetaData()

facts = Table(
    "evaluation_facts",
    metadata,
    Column("fact_id", String(80), primary_key=True),
    Column("kind", String(40), nullable=False),
    unit_id(index=True),
    Column("subject", String(120), nullable=False, index=True),
    Column("occurred_on", Date, nullable=False),
    instant("recorded_at"),
    event_id(),
    Column("number", BigInteger, nullable=False),
    Column("total", Integer, nullable=False),
    Column("tag", String(120), nullable=False),
)

# The words of events that a person reads beside their facts (a proposal's subject, an outcome's note),
# by event, with the record (proposal …) they belong to.
event_texts = Table(
    "evaluation_event_texts",
    metadata,
    event_id(primary_key=True),
    Column("record_id", String(120), nullable=False, index=True),
    Column("texts", Text, nullable=False),  # JSON: field → text
)

# Units whose facts changed since their union was last evaluated (written with the facts).
dirty_units = Table("evaluation_dirty_units", metadata, unit_id(primary_key=True))

union_status = Table(
    "evaluation_union_status",
    metadata,
    unit_id(primary_key=True),
    Column("year", Integer, primary_key=True),
    unit_path("path", index=True),
    Column("status", String(20), nullable=False),
    Column("c1", String(20), nullable=False),
    Column("c2", String(20), nullable=False),
    Column("c3", String(20), nullable=False),
    Column("indicators", Text, nullable=False),  # JSON: indicator id → status
    Column("evaluated_on", Date, nullable=False),
    instant("updated_at"),
)

recognition = Table(
    "evaluation_recognition",
    metadata,
    unit_id(primary_key=True),
    Column("year", Integer, primary_key=True),
    unit_path("path", index=True),
    Column(
        "stage", String(20), nullable=False
    ),  # unregistered, registered, self_assessed, appraised, recognised, denied
    Column("registered_on", Date, nullable=True),
    unit_id("recognising_unit_id", nullable=True),
    Column("self_assessed_on", Date, nullable=True),
    Column("appraised", String(20), nullable=False, default=""),  # criteria appraised, e.g. "123"
    Column("decision_number", String(100), nullable=True),
    Column("decided_on", Date, nullable=True),
    Column("reasons", Text, nullable=True),
    # The workflow's state as the events that make it (JSON), and the version of its stream folded.
    Column("steps", Text, nullable=False, server_default="[]"),
    Column("version", Integer, nullable=False, server_default="0"),
)


def aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes: they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
