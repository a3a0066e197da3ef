"""The release before migrations: its tables as its ``create_all`` made them, and rows to fill them.

That release declared ``activities.value_vnd`` and ``planning_timeline.position`` as INTEGER
(commit 3a336c1 made them BIGINT without a migration) and had no ``evaluation_member_places``
(evaluation's revision 0002 adds it and recounts its members from the history),
``evaluation_event_texts`` (evaluation's revision 0004) nor ``planning_member_steps`` (planning's
revision 0003 adds it and reads the members' history again), and its ``evaluation_recognition`` had
no ``steps`` and ``version`` (evaluation's revision 0003 adds them and folds the rows again from the
history), nor notifications' ``officers`` their ``language`` (notifications' revision 0003).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import Integer, MetaData, Table, select
from sqlalchemy.engine import Connection

from shared.migrations import SchemaHistory
from shared.store import Database
from shared.store.schema import metadata as store_metadata

NARROWER: dict[tuple[str, str], type[Integer]] = {
    ("activities", "value_vnd"): Integer,
    ("planning_timeline", "position"): Integer,
}
ADDED_SINCE = frozenset(
    {
        "evaluation_member_places",
        "evaluation_event_texts",
        "planning_member_steps",
        "mail_settings",
        "open_items",
        "dashboard_sessions",
        "officer_grants",
    }
)
COLUMNS_ADDED_SINCE = frozenset(
    {("evaluation_recognition", "steps"), ("evaluation_recognition", "version"), ("officers", "language")}
)
# What an upgrade empties on purpose: evaluation's old admission counts, recounted from the history, and
# its recognition rows, folded again from the workflow's streams.
RECOUNTED = frozenset({"unit_member_counts", "evaluation_recognition"})
STORE_TABLES = frozenset(store_metadata.tables)


def previous_release(history: SchemaHistory) -> MetaData:
    """``history``'s tables with the types they had before migrations."""
    metadata = history.merged()
    for name in ADDED_SINCE & set(metadata.tables):
        metadata.remove(metadata.tables[name])
    for table, column in COLUMNS_ADDED_SINCE:
        if table in metadata.tables:
            old = metadata.tables[table]
            old._columns.remove(old.c[column])  # Table has no public way to drop a column
    for (table, column), old_type in NARROWER.items():
        if table in metadata.tables:
            metadata.tables[table].c[column].type = old_type()
    return metadata


def sample_rows(table: Table, count: int = 3) -> list[dict[str, Any]]:
    """``count`` distinct rows for any of our tables, every column filled (nullable ones too)."""
    rows = []
    for n in range(1, count + 1):
        row: dict[str, Any] = {}
        for column in table.columns:
            kind = column.type.python_type
            if kind is bool:
                row[column.name] = n % 2 == 0
            elif kind is int:
                row[column.name] = n * 1_000_000 + len(column.name)  # within INTEGER, as the old type held
            elif kind is datetime:
                row[column.name] = datetime(2026, 10, n, 9, 30, tzinfo=UTC)
            elif kind is date:
                row[column.name] = date(2026, 10, 1) + timedelta(days=n)
            elif kind is bytes:
                row[column.name] = f"{table.name}-{n}".encode()
            else:
                limit = getattr(column.type, "length", None) or 1000
                row[column.name] = f"{column.name}-{n}-Đoàn"[:limit]
        rows.append(row)
    return rows


async def snapshot(db: Database, metadata: MetaData) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of ``metadata``, in primary-key order."""
    found = {}
    async with db.read() as conn:
        for name, table in metadata.tables.items():
            order = list(table.primary_key.columns) or list(table.columns)
            found[name] = [tuple(r) for r in (await conn.execute(select(table).order_by(*order))).all()]
    return found


async def upgrade_to(db: Database, history: SchemaHistory, revision: str) -> None:
    """An installation that stopped at ``revision`` (a release between migrations)."""

    def upgrade(conn: Connection) -> None:
        command.upgrade(history.config(conn), revision)

    async with db.transaction() as conn:
        await conn.run_sync(upgrade)
