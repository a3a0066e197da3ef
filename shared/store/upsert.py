"""Insert-or-update on SQLite and PostgreSQL (both speak ON CONFLICT)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


async def upsert(
    conn: AsyncConnection,
    table: Table,
    rows: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    keys: Sequence[str],
    replace: Sequence[str] = (),
    add: Sequence[str] = (),
) -> None:
    """Insert ``rows``; on a key conflict set the ``replace`` columns and add to the ``add`` columns."""
    batch = [rows] if isinstance(rows, Mapping) else list(rows)
    if not batch:
        return
    insert = postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)
    changes: dict[str, Any] = {c: insert.excluded[c] for c in replace}
    changes.update({c: table.c[c] + insert.excluded[c] for c in add})
    statement = (
        insert.on_conflict_do_update(index_elements=[table.c[k] for k in keys], set_=changes)
        if changes
        else insert.on_conflict_do_nothing(index_elements=[table.c[k] for k in keys])
    )
    await conn.execute(statement, batch)
