"""The append of a group in as few trips to the database as the driver allows.

An append reads the chain's head (under its lock), the answers already given to the group's
Idempotency-Keys and its streams' versions, plans the group in memory, and writes events, outbox
entries, answers and the new head. Through SQLAlchemy's core constructs that is six to eight
statements, each a trip (on SQLite several trips to aiosqlite's thread per statement: cursor,
execute, fetch, close). What the trips cost, not the work, bounded a single-command append:

- **SQLite**: the whole append, ``BEGIN IMMEDIATE`` first, runs as one function in aiosqlite's
  thread on its ``sqlite3`` connection; with the commit, two trips where there were about forty.
- **PostgreSQL**: three statements after the transaction begins: the head's row locked, one read of
  the versions and the answers, one write (events, outbox, answers and head in one statement over
  arrays, ``unnest``). Each is prepared once per connection (asyncpg's statement cache) and runs as
  one round trip; the head's lock is held from the lock to the commit, two round trips.

Both are the same plan (:func:`~shared.store.appending.plan_group`) as the general path, which
stays for appends in a rebuild's shadow schema and for a group redone request by request.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.store.appending import (
    PLAN_INLINE,
    AppendRequest,
    Build,
    GroupPlan,
    IdempotentResult,
    event_count,
    event_rows,
    plan_group,
)
from shared.store.schema import events, idempotency

_IN_CHUNK = 500  # stream ids or keys per ``IN (…)`` on SQLite (at most 32,766 variables a statement)


class FastWriter(Protocol):
    async def write(
        self, conn: AsyncConnection, group: Sequence[AppendRequest], build: Build, now: datetime
    ) -> GroupPlan:
        """Lock the head, read, plan and write ``group`` in ``conn``'s transaction; the plan written."""


def fast_writer(dialect: Dialect) -> FastWriter | None:
    """The writer for ``dialect``'s driver, or None where only the general path applies."""
    if dialect.driver == "aiosqlite":
        return SqliteWriter(dialect)
    if dialect.driver == "asyncpg":
        return PostgresWriter()
    return None


def _keys(group: Sequence[AppendRequest]) -> list[str]:
    return list(dict.fromkeys(r.idempotency.key for r in group if r.idempotency is not None))


def _streams(group: Sequence[AppendRequest]) -> list[str]:
    return list(dict.fromkeys(a.stream_id for r in group for a in r.appends))


class SqliteWriter:
    """One trip to aiosqlite's thread per append."""

    def __init__(self, dialect: Dialect) -> None:
        self._insert_events, self._event_columns, self._event_processors = _positional(
            insert(events), dialect
        )
        self._insert_answers, self._answer_columns, self._answer_processors = _positional(
            insert(idempotency), dialect
        )

    async def write(
        self, conn: AsyncConnection, group: Sequence[AppendRequest], build: Build, now: datetime
    ) -> GroupPlan:
        driver: Any = (await conn.get_raw_connection()).driver_connection
        context = contextvars.copy_context()  # the answers are built in the thread: same correlation id

        def run() -> GroupPlan:
            raw: sqlite3.Connection = driver._conn
            try:
                return self._append(raw, group, build, now)
            except sqlite3.Error as exc:
                raise DBAPIError.instance(None, None, exc, sqlite3.Error) from exc

        # aiosqlite runs every call on its connection as a function in the connection's thread; this
        # is that mechanism (pinned in pyproject) with the whole append as the function.
        plan: GroupPlan = await driver._execute(context.run, run)
        return plan

    def _append(
        self, raw: sqlite3.Connection, group: Sequence[AppendRequest], build: Build, now: datetime
    ) -> GroupPlan:
        cursor = raw.cursor()
        try:
            if not raw.in_transaction:
                cursor.execute("BEGIN IMMEDIATE")  # the transaction was opened ``begun_by_caller``
            position, head_hash = cursor.execute(
                "SELECT position, hash FROM chain_head WHERE id = 1"
            ).fetchone()
            answers: dict[str, tuple[str, IdempotentResult]] = {}
            keys = _keys(group)
            for start in range(0, len(keys), _IN_CHUNK):
                chunk = keys[start : start + _IN_CHUNK]
                for key, request_hash, status_code, response in cursor.execute(
                    "SELECT key, request_hash, status_code, response FROM idempotency_keys "
                    f"WHERE key IN ({','.join('?' * len(chunk))})",
                    chunk,
                ):
                    answers[key] = (request_hash, IdempotentResult(int(status_code), json.loads(response)))
            versions: dict[str, int] = {}
            streams = _streams(group)
            for start in range(0, len(streams), _IN_CHUNK):
                chunk = streams[start : start + _IN_CHUNK]
                versions.update(
                    cursor.execute(
                        "SELECT stream_id, max(stream_version) FROM events "
                        f"WHERE stream_id IN ({','.join('?' * len(chunk))}) GROUP BY stream_id",
                        chunk,
                    ).fetchall()
                )
            plan = plan_group(group, (int(position), str(head_hash)), build, now, answers, versions)
            if plan.envelopes:
                cursor.executemany(
                    self._insert_events,
                    _bound(event_rows(plan), self._event_columns, self._event_processors),
                )
                cursor.executemany(
                    "INSERT INTO outbox (position) VALUES (?)", [(e.position,) for e in plan.envelopes]
                )
                if plan.remembered:
                    cursor.executemany(
                        self._insert_answers,
                        _bound(plan.remembered, self._answer_columns, self._answer_processors),
                    )
                cursor.execute("UPDATE chain_head SET position = ?, hash = ? WHERE id = 1", plan.head)
            return plan
        finally:
            cursor.close()


def _positional(statement: Any, dialect: Dialect) -> tuple[str, list[str], dict[str, Callable[[Any], Any]]]:
    """``statement`` compiled for ``dialect`` (positional parameters), its parameters' names in order,
    and each one's bind processor (how SQLAlchemy would store the value: a datetime as text …)."""
    compiled = statement.compile(dialect=dialect)
    names = list(compiled.positiontup or [])
    table = statement.table
    processors: dict[str, Callable[[Any], Any]] = {}
    for name in names:
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    return str(compiled), names, processors


def _bound(
    rows: list[dict[str, Any]], names: list[str], processors: dict[str, Callable[[Any], Any]]
) -> list[tuple[Any, ...]]:
    return [tuple(processors[n](row[n]) if n in processors else row[n] for n in names) for row in rows]


_LOCK_HEAD = "SELECT position, hash FROM chain_head WHERE id = 1 FOR UPDATE"
_READ = (
    "SELECT 'v' AS kind, stream_id AS name, max(stream_version) AS version, NULL AS request_hash,"
    " NULL AS status_code, NULL AS response FROM events WHERE stream_id = ANY($1::varchar[]) GROUP BY stream_id"
    " UNION ALL SELECT 'k', key, NULL, request_hash, status_code, response FROM idempotency_keys"
    " WHERE key = ANY($2::varchar[])"
)
_WRITE = (
    "WITH appended AS (INSERT INTO events (position, event_id, stream_id, stream_version, type, unit_path,"
    " occurred_at, recorded_at, body, prev_hash, hash) SELECT * FROM unnest($1::bigint[], $2::varchar[],"
    " $3::varchar[], $4::integer[], $5::varchar[], $6::varchar[], $7::timestamptz[], $8::timestamptz[],"
    " $9::bytea[], $10::varchar[], $11::varchar[])),"
    " outboxed AS (INSERT INTO outbox (position) SELECT unnest($1::bigint[])),"
    " remembered AS (INSERT INTO idempotency_keys (key, request_hash, status_code, response, created_at)"
    " SELECT * FROM unnest($12::varchar[], $13::varchar[], $14::integer[], $15::text[], $16::timestamptz[]))"
    " UPDATE chain_head SET position = $17, hash = $18 WHERE id = 1"
)


class PostgresWriter:
    """Three prepared statements per append: lock, read, write."""

    async def write(
        self, conn: AsyncConnection, group: Sequence[AppendRequest], build: Build, now: datetime
    ) -> GroupPlan:
        locked: Any = (await conn.exec_driver_sql(_LOCK_HEAD)).one()
        position, head_hash = locked[0], locked[1]
        answers: dict[str, tuple[str, IdempotentResult]] = {}
        versions: dict[str, int] = {}
        for row in await conn.exec_driver_sql(_READ, (_streams(group), _keys(group))):
            if row.kind == "v":
                versions[row.name] = int(row.version)
            else:
                answers[row.name] = (
                    row.request_hash,
                    IdempotentResult(int(row.status_code), json.loads(row.response)),
                )
        head = (int(position), str(head_hash))
        if event_count(group) <= PLAN_INLINE:
            plan = plan_group(group, head, build, now, answers, versions)
        else:
            plan = await asyncio.to_thread(plan_group, group, head, build, now, answers, versions)
        if plan.envelopes:
            rows = event_rows(plan)
            columns = [
                [row[name] for row in rows]
                for name in (
                    "position",
                    "event_id",
                    "stream_id",
                    "stream_version",
                    "type",
                    "unit_path",
                    "occurred_at",
                    "recorded_at",
                    "body",
                    "prev_hash",
                    "hash",
                )
            ]
            answered = [
                [row[name] for row in plan.remembered]
                for name in ("key", "request_hash", "status_code", "response", "created_at")
            ]
            await conn.exec_driver_sql(_WRITE, (*columns, *answered, *plan.head))
        return plan
