"""A database made by the release before migrations is recognised, upgraded, and keeps every row."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import DBAPIError

from chudong.migrations import SCHEMAS
from services.planning.adapters.read_models import activities, timeline
from shared.migrations import Migration, migrate
from shared.store import Database, EventStore, StreamAppend, verify_chain
from shared.store.appending import Idempotency
from shared.store.event_store import IdempotentResult
from tests.migrations.previous_release import (
    RECOUNTED,
    STORE_TABLES,
    previous_release,
    sample_rows,
    snapshot,
)
from tests.support import member_event, unit_event

ABOVE_INT32 = 2**31 + 12_345


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


async def fill_previous_release(db: Database, service: str) -> None:
    """Tables as the previous release created them; a real history in the store, sample rows elsewhere."""
    metadata = previous_release(SCHEMAS[service])
    await db.create_all(metadata)
    store = EventStore(db, service)
    await store.initialise()
    answer = Idempotency(
        "key-1", "0" * 64, lambda envelopes: IdempotentResult(201, {"events": len(envelopes)})
    )
    await store.append(
        StreamAppend("unit-bg", [unit_event("bg", None, "vn.bg")]), actor="t", idempotency=answer
    )
    await store.append(StreamAppend("member-m1", [member_event("m1", "vn.bg")]), actor="t")
    async with db.transaction() as conn:
        for name, table in metadata.tables.items():
            if name not in STORE_TABLES:
                await conn.execute(insert(table), sample_rows(table))


@pytest.mark.parametrize("service", list(SCHEMAS))
async def test_a_previous_release_database_is_stamped_upgraded_and_keeps_every_row(
    db: Database, service: str
) -> None:
    history = SCHEMAS[service]
    await fill_previous_release(db, service)
    tables = previous_release(history)
    before = await snapshot(db, tables)
    assert all(before[name] for name in tables.tables), "every table has rows to keep"

    migration = await migrate(db, history)

    assert migration == Migration(service, "0001", history.head() or "", unversioned=True)
    expected = {name: [] if name in RECOUNTED else rows for name, rows in before.items()}
    assert await snapshot(db, tables) == expected
    assert (await verify_chain(db)).ok
    assert await migrate(db, history) == Migration(service, history.head() or "", history.head() or "")


async def test_amounts_and_positions_above_int32_fit_once_planning_is_upgraded(db: Database) -> None:
    await fill_previous_release(db, "planning")
    if not db.is_sqlite:  # SQLite's INTEGER holds 64 bits: only PostgreSQL's old columns were too narrow
        with pytest.raises(DBAPIError, match="out of range"):
            async with db.transaction() as conn:
                await conn.execute(update(activities).values(value_vnd=ABOVE_INT32))

    await migrate(db, SCHEMAS["planning"])

    async with db.transaction() as conn:
        await conn.execute(
            update(activities)
            .where(activities.c.record_id == "record_id-1-Đoàn")
            .values(value_vnd=ABOVE_INT32)
        )
        await conn.execute(
            update(timeline).where(timeline.c.event_id == "event_id-1-Đoàn").values(position=ABOVE_INT32)
        )
    async with db.read() as conn:
        amounts = (
            (await conn.execute(select(activities.c.value_vnd).order_by(activities.c.record_id)))
            .scalars()
            .all()
        )
        position = (
            await conn.execute(select(timeline.c.position).where(timeline.c.event_id == "event_id-1-Đoàn"))
        ).scalar_one()
    assert amounts == [ABOVE_INT32, 2_000_009, 3_000_009]
    assert position == ABOVE_INT32
