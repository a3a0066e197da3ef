"""Tables of the event store, the same in every service's database.

``events`` holds the history: ``body`` is the exact bytes that were hashed and
relayed; the other columns are copies kept for indexing, checked by verification.
``outbox`` holds the positions not yet acknowledged by JetStream.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import sqlite

from shared.store.columns import event_id, instant, unit_path

# SQLite only makes INTEGER PRIMARY KEY an alias of the rowid; BIGINT elsewhere.
Position = BigInteger().with_variant(sqlite.INTEGER(), "sqlite")

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=False),
    event_id(unique=True),
    Column("stream_id", String(200), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("type", String(100), nullable=False, index=True),
    unit_path(),
    instant("occurred_at"),
    instant("recorded_at"),
    Column("body", LargeBinary, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=False),
)

chain_head = Table(
    "chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("position", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

idempotency = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", Text, nullable=False),
    instant("created_at"),
)

GENESIS_HASH = "0" * 64

consumer_metadata = MetaData()
"""Tables of the consumer base, in every database that holds a projection."""

projection_checkpoints = Table(
    "projection_checkpoints",
    consumer_metadata,
    Column("projection", String(100), primary_key=True),
    Column("stream", String(100), primary_key=True),
    Column("sequence", BigInteger, nullable=False),
    instant("updated_at"),
)

dead_letter_replays = Table(
    "dead_letter_replays",
    consumer_metadata,
    Column("consumer", String(200), primary_key=True),
    Column("original_sequence", BigInteger, primary_key=True),
    instant("replayed_at"),
)
