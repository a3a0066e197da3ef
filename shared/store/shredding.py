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

from sqlalchemy import text

from shared.store.database import SQLITE_BUSY_TIMEOUT_MS, Database


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
        # The checkpoint itself waits (SQLite's busy handler) for older readers, up to what is left.
        wait = max(0, int((deadline - loop.time()) * 1000))
        busy, frames, _ = await _on_driver(db, "PRAGMA wal_checkpoint(TRUNCATE)", busy_timeout_ms=wait)
        if not busy:
            return
        if loop.time() >= deadline:
            raise PurgeIncompleteError(
                f"the database's write-ahead log still holds {frames} frames that older readers use;"
                " the deletion is committed, and purging again (retrying) removes them"
            )
        await asyncio.sleep(0.1)


async def rewrite(db: Database, table: str, *, timeout: float = 600.0) -> None:
    """Write ``table``'s storage anew, so no free space in the database's files holds its deleted rows.

    PostgreSQL: ``VACUUM FULL`` of the table (an exclusive lock on it while it is copied), once every
    transaction that began before this call has ended: a row deleted before then may still be visible
    to one of them, and VACUUM FULL would copy it into the new file. Raises
    :class:`PurgeIncompleteError` naming them if they are still open after ``timeout`` seconds.
    SQLite: ``VACUUM`` of the whole database (it cannot vacuum one table), then :func:`purge_deleted`;
    this also clears the free space of a file written before ``secure_delete`` was on.
    """
    if db.is_sqlite:
        await _on_driver(db, "VACUUM")
        await purge_deleted(db, timeout=timeout)
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with db.engine.connect() as conn:
        # VACUUM cannot run inside a transaction block.
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        started = (await conn.execute(text("SELECT now()"))).scalar_one()
        while older := (await conn.execute(_OLDER_TRANSACTIONS, {"started": started})).all():
            if loop.time() >= deadline:
                held = ", ".join(f"{r.who} (since {r.since:%Y-%m-%d %H:%M:%S})" for r in older)
                raise PurgeIncompleteError(
                    f"transactions older than the purge are still open, and may still see deleted rows of"
                    f" {table}: {held}; end them, or run the purge again when they have ended"
                )
            await asyncio.sleep(0.2)
        await conn.exec_driver_sql(f"VACUUM FULL {conn.dialect.identifier_preparer.quote(table)}")


# The transactions of this database that began before :started, prepared ones included.
_OLDER_TRANSACTIONS = text(
    """
    SELECT 'pid ' || pid || coalesce(' ' || nullif(application_name, ''), '') AS who, xact_start AS since
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start < :started
    UNION ALL
    SELECT 'prepared transaction ' || gid, prepared FROM pg_prepared_xacts
    WHERE database = current_database() AND prepared < :started
    """
)


async def _on_driver(db: Database, statement: str, *, busy_timeout_ms: int | None = None) -> tuple[Any, ...]:
    """Run ``statement`` on a SQLite connection outside any transaction (VACUUM and a checkpoint that
    truncates must), bypassing SQLAlchemy, which would begin one first; its first row.

    ``busy_timeout_ms``: how long it may wait for other connections' locks (then set back).
    """

    async def run(driver: Any, sql: str) -> Any:
        async with driver.execute(sql) as cursor:
            return await cursor.fetchone()

    async with db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        if busy_timeout_ms is None:
            row = await run(driver, statement)
        else:
            await run(driver, f"PRAGMA busy_timeout={busy_timeout_ms}")
            try:
                row = await run(driver, statement)
            finally:
                await run(driver, f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    return tuple(row) if row is not None else ()
