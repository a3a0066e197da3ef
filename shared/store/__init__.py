"""The event store (SQLAlchemy 2, async) on SQLite and PostgreSQL, with its outbox and hash chain."""

from shared.store.database import Database, DatabaseUnavailableError
from shared.store.errors import ConcurrencyError, IdempotencyConflictError
from shared.store.event_store import ANY_VERSION, NO_STREAM, EventStore, IdempotentResult, StreamAppend
from shared.store.verify import ChainBreak, verify_chain

__all__ = [
    "ANY_VERSION",
    "NO_STREAM",
    "ChainBreak",
    "ConcurrencyError",
    "Database",
    "DatabaseUnavailableError",
    "EventStore",
    "IdempotencyConflictError",
    "IdempotentResult",
    "StreamAppend",
    "verify_chain",
]
