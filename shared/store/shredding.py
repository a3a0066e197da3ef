"""What a deleted row leaves in a database's files, and removing it: an erased key must stay erased.

SQLite: every connection runs with ``secure_delete`` on (see :class:`Database`), so deleting a row
overwrites its bytes with zeros in its page, and freed pages are zeroed. The page's older versions
are still frames of the write-ahead log, though (a WAL is reused from its start, not cleared, so old
frames outlive checkpoints), until a checkpoint copies the log into the database and truncates it
to nothing: :func:`purge_deleted`. That checkpoint cannot finish while a reader holds a snapshot
older than the deletion (the old frames are part of it): it waits for such readers (the busy
timeout) and is retried until it completes.

PostgreSQL: a deleted row stays in its page as a dead tuple, and plain ``VACUUM`` marks the space
free without overwriting it (so found on PostgreSQL 15); ``VACUUM FULL`` writes the table to a new
file, and the old one is truncated when it commits: :func:`rewrite`. The WAL, its archives and base
backups keep the row until they are recycled or expire (docs/operations.md).
"""

from __future__ import annotations

import asyncio
from typing import Any

from shared.store.database import Database


class PurgeIncompleteError(Exception):
    """Deleted rows can still be read from the database's files: a long read holds an older snapshot.

    The deletion itself is committed; purging again (retrying the request) finishes the job.
    """


async def purge_deleted(db: Database, *, timeout: float = 90.0) -> None:
    """On SQLite, leave no older version of a deleted row in the write-ahead log; nothing on PostgreSQL.

    Raises :class:`PurgeIncompleteError` if readers of older snapshots still hold the log after
    ``timeout`` seconds.
    """
    if not db.is_sqlite:
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        # Each attempt itself waits up to the busy timeout for older readers to finish.
        busy, frames, _ = await _on_driver(db, "PRAGMA wal_checkpoint(TRUNCATE)")
        if not busy:
            return
        if loop.time() >= deadline:
            raise PurgeIncompleteError(
                f"the database's write-ahead log still holds {frames} frames that older readers use;"
                " the deletion is committed, and purging again (retrying) removes them"
            )
        await asyncio.sleep(0.1)


async def rewrite(db: Database, table: str) -> None:
    """Write ``table``'s storage anew, so no free space in the database's files holds its deleted rows.

    PostgreSQL: ``VACUUM FULL`` of the table (an exclusive lock on it while it is copied).
    SQLite: ``VACUUM`` of the whole database (it cannot vacuum one table), then :func:`purge_deleted`;
    this also clears the free space of a file written before ``secure_delete`` was on.
    """
    if db.is_sqlite:
        await _on_driver(db, "VACUUM")
        await purge_deleted(db)
        return
    async with db.engine.connect() as conn:
        # VACUUM cannot run inside a transaction block.
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql(f"VACUUM FULL {conn.dialect.identifier_preparer.quote(table)}")


async def _on_driver(db: Database, statement: str) -> tuple[Any, ...]:
    """Run ``statement`` on a SQLite connection outside any transaction (VACUUM and a checkpoint
    that truncates must), bypassing SQLAlchemy, which would begin one first."""
    async with db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        async with driver.execute(statement) as cursor:
            row = await cursor.fetchone()
    return tuple(row) if row is not None else ()
