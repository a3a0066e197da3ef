"""Schema migrations: one Alembic history per service, driven from code (see docs/operations.md)."""

from shared.migrations.history import HistoryError, SchemaHistory
from shared.migrations.upgrade import (
    Migration,
    SchemaBehindError,
    SchemaError,
    SchemaMismatchError,
    UnknownRevisionError,
    migrate,
    migrate_on_start,
)

__all__ = [
    "HistoryError",
    "Migration",
    "SchemaBehindError",
    "SchemaError",
    "SchemaHistory",
    "SchemaMismatchError",
    "UnknownRevisionError",
    "migrate",
    "migrate_on_start",
]
