"""One service's database: the engine, and write transactions that serialise appends.

SQLite allows one writer at a time: writes take an in-process lock and begin
with ``BEGIN IMMEDIATE`` so a read never has to be upgraded to a write (which
fails at once in WAL mode instead of waiting). PostgreSQL writers run
concurrently; the event store serialises its appends on the chain-head row.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, InvalidatePoolError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.util.concurrency import await_

# How long a SQLite statement waits for another connection's lock before it fails as busy.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Connections a SQLite database's pool keeps open (and as many again at the busiest).
SQLITE_POOL_SIZE = 32


class DatabaseUnavailableError(Exception):
    """The database cannot be reached now; nothing was written and the request may be retried."""


def is_unavailable(exc: BaseException) -> bool:
    """True for errors that mean the database is down or the connection was lost, not a bad request."""
    if isinstance(exc, DatabaseUnavailableError | InterfaceError | ConnectionError | OSError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, DBAPIError) and _sqlstate(exc).startswith(_UNAVAILABLE_STATES):
        return True
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower()
        return any(
            marker in text
            for marker in ("connection", "terminat", "shutdown", "starting up", "could not connect", "closed")
        )
    return False


# SQLSTATEs of a server that cannot serve now: class 08 (connection exceptions) and 57P (57P01
# shutting down, 57P02 crashed, 57P03 still recovering after a restart; not 57014, a cancelled query).
_UNAVAILABLE_STATES = ("08", "57P")


def _sqlstate(exc: DBAPIError) -> str:
    for error in (exc.orig, getattr(exc.orig, "__cause__", None)):
        code = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if isinstance(code, str):
            return code
    return ""


class Database:
    """Engine and transactions of one service's own database (SQLite or PostgreSQL)."""

    def __init__(self, url: str, *, pool_size: int = 10, shadow: str | None = None) -> None:
        """``shadow``: the name of a schema that every unqualified table is read and written in.

        A projection's rebuild runs on such a database (see ``shared.runtime.rebuild``): on PostgreSQL
        the schema ``shadow`` of the same database, on SQLite a file beside the database attached to
        every connection under that name. Unset, tables are those of the database itself.
        """
        self.url = make_url(url)
        self.shadow = shadow
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        # A SQLite connection is a thread of this process, not a server's: the pool keeps open as many
        # as the requests a service serves at once (with the default's five, those opened beyond it were
        # closed as soon as they were returned, and each new one costs a thread and its pragmas).
        size = max(pool_size, SQLITE_POOL_SIZE) if self.is_sqlite else pool_size
        kwargs: dict[str, Any] = {
            "pool_size": size,
            "max_overflow": size,
        }
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
            # Rolled back on return only if a transaction is open (see ``_configure_sqlite``).
            kwargs["pool_reset_on_return"] = None
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        self._base_engine = self.engine
        self._write_lock = asyncio.Lock()
        if self.is_sqlite:
            self._configure_sqlite()
            if shadow:
                self._attach_shadow(shadow)
        else:
            self._ping_on_checkout()
        if shadow:
            self.engine = self.engine.execution_options(schema_translate_map={None: shadow})
        self._writer = self.engine
        self._unbegun_writer = self.engine
        if self.is_sqlite:
            self._writer = self.engine.execution_options(chudong_begin="IMMEDIATE")
            self._unbegun_writer = self.engine.execution_options(chudong_begin="")

    @property
    def write_lock(self) -> asyncio.Lock:
        """The in-process lock of SQLite's writers (one writer at a time); unused on PostgreSQL."""
        return self._write_lock

    @property
    def shadow_file(self) -> str | None:
        """On SQLite, the file attached as the shadow schema (beside the database's own file)."""
        if not self.shadow or not self.is_sqlite or not self.url.database:
            return None
        return f"{self.url.database}.{self.shadow}"

    def _attach_shadow(self, shadow: str) -> None:
        path = self.shadow_file
        if path is None:
            raise ValueError("a shadow schema on SQLite needs a database file, not an in-memory database")

        @event.listens_for(self.engine.sync_engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("ATTACH DATABASE ? AS " + shadow, (path,))
            cursor.execute(f"PRAGMA {shadow}.journal_mode=WAL")
            cursor.close()

    def _ping_on_checkout(self) -> None:
        """Check a pooled PostgreSQL connection before it is handed out (one left broken by a restart of
        the server is replaced, with every connection opened before it, instead of failing a request).

        SQLAlchemy's ``pool_pre_ping`` does the same in three round trips on asyncpg (BEGIN, the ping,
        ROLLBACK); an append takes six, so this ping is one: ``SELECT 1`` outside a transaction.
        """

        @event.listens_for(self.engine.sync_engine, "checkout")
        def _on_checkout(_dbapi_connection: Any, _record: Any, proxy: Any) -> None:
            try:
                await_(proxy.driver_connection.execute("SELECT 1"))
            except Exception as exc:
                raise InvalidatePoolError(f"ping failed: {exc.__class__.__name__}") from exc

    def _configure_sqlite(self) -> None:
        @event.listens_for(self.engine.sync_engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Take over BEGIN from the driver, so writes can begin IMMEDIATE.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            _set_wal(cursor)
            # FULL: a commit that the relay has published must survive a power cut.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Deleted rows are overwritten with zeros, in their pages and in freed pages, so what is
            # erased (a person's key, an officer's contact) is not left in the file's free space.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        @event.listens_for(self.engine.sync_engine, "reset")
        def _on_reset(dbapi_connection: Any, _record: Any, _state: Any) -> None:
            # A connection comes back after its transaction was committed or rolled back, almost always:
            # the rollback SQLAlchemy sends on every return would be one more trip to the driver's thread.
            # sqlite3 knows whether a transaction is open, without a trip.
            if dbapi_connection.driver_connection.in_transaction:
                dbapi_connection.rollback()

        @event.listens_for(self.engine.sync_engine, "begin")
        def _on_begin(conn: Any) -> None:
            mode = conn.get_execution_options().get("chudong_begin", "DEFERRED")
            if not mode:
                return  # the transaction's first trip to the driver's thread begins it (``begun_by_caller``)
            # Straight to aiosqlite: one trip to its thread, where a statement through SQLAlchemy's
            # cursor takes four (cursor, execute, fetch, close); every read and write begins so.
            await_(conn.connection.driver_connection.execute_fetchall(f"BEGIN {mode}"))

    @asynccontextmanager
    async def transaction(self, *, begun_by_caller: bool = False) -> AsyncIterator[AsyncConnection]:
        """A write transaction: committed when the block ends, rolled back if it raises.

        ``begun_by_caller`` (SQLite): no ``BEGIN IMMEDIATE`` is sent for it; the caller's first work on
        the driver's connection, run in its thread, begins with it (one trip less: the event store's
        append does so). Ignored on PostgreSQL.
        """
        try:
            if self.is_sqlite:
                writer = self._unbegun_writer if begun_by_caller else self._writer
                async with self._write_lock, writer.begin() as conn:
                    yield conn
            else:
                async with self._writer.begin() as conn:
                    yield conn
        except Exception as exc:
            if is_unavailable(exc):
                raise DatabaseUnavailableError(f"database unavailable: {exc.__class__.__name__}") from exc
            raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for queries, all of which see one snapshot of the database.

        SQLite's deferred transaction takes its snapshot at the first read; on PostgreSQL,
        REPEATABLE READ does the same (under READ COMMITTED each statement would see the
        commits made since the previous one, and two tables read in turn could disagree).
        """
        try:
            async with self.engine.connect() as conn:
                if not self.is_sqlite:
                    await conn.execution_options(isolation_level="REPEATABLE READ")
                yield conn
        except Exception as exc:
            if is_unavailable(exc):
                raise DatabaseUnavailableError(f"database unavailable: {exc.__class__.__name__}") from exc
            raise

    async def create_all(self, *metadatas: MetaData) -> None:
        """Create the tables that do not exist yet."""
        async with self.transaction() as conn:
            for md in metadatas:
                await conn.run_sync(md.create_all)

    async def ping(self) -> bool:
        try:
            async with self.read() as conn:
                await conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self._base_engine.dispose()


def _set_wal(cursor: Any, attempts: int = 200) -> None:
    """Put the database in WAL mode, waiting while another connection does the same.

    Switching a new database to WAL takes an exclusive lock, and SQLite answers "database is locked"
    at once, without its busy handler, to a second connection switching it at the same moment (service
    replicas, or a migration and a service, opening a new database together). The switch is made once
    per file: afterwards this is a read of the mode.
    """
    for attempt in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)  # in the driver's thread, never the event loop's
