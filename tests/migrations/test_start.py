"""A service builds a new database, refuses one behind its schema unless told to migrate, and never
runs on one a newer release migrated; what it refuses it leaves as it was."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from chudong.migrations import SCHEMAS
from chudong.nats.server import EmbeddedNats
from shared.migrations import (
    Migration,
    SchemaBehindError,
    SchemaMismatchError,
    UnknownRevisionError,
    migrate,
)
from shared.runtime import ServiceRuntime
from shared.settings import CommonSettings, ServiceSettings
from shared.store import Database, EventStore
from tests.migrations.previous_release import previous_release, upgrade_to

PLANNING = SCHEMAS["planning"]


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


def planning(
    database_url: str, tmp_path: Path, nats_url: str = "", *, migrate_on_start: bool
) -> ServiceRuntime:
    common = CommonSettings(
        data_dir=tmp_path, nats_url=nats_url or None, jwt_secret="s" * 32, migrate_on_start=migrate_on_start
    )
    settings = ServiceSettings(name="planning", database_url=database_url)
    return ServiceRuntime(common, settings, schema=PLANNING)


async def tables(db: Database) -> set[str]:
    def names(conn: Connection) -> set[str]:
        return set(inspect(conn).get_table_names())

    async with db.read() as conn:
        return await conn.run_sync(names)


async def test_a_service_refuses_a_database_behind_its_schema_and_names_the_command(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await upgrade_to(db, PLANNING, "0001")
    runtime = planning(database_url, tmp_path, migrate_on_start=False)
    try:
        with pytest.raises(
            SchemaBehindError,
            match=r"at revision 0001, behind this release's 0003: run `chudong migrate planning`",
        ):
            await runtime.start()
    finally:
        await runtime.stop()
    async with db.read() as conn:
        assert (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one() == "0001"


async def test_a_service_refuses_the_previous_release_database_and_leaves_it_unversioned(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    await db.create_all(previous_release(PLANNING))
    before = await tables(db)
    runtime = planning(database_url, tmp_path, migrate_on_start=False)
    try:
        with pytest.raises(
            SchemaBehindError, match=r"previous release's tables.*CHUDONG_MIGRATE_ON_START=true"
        ):
            await runtime.start()
    finally:
        await runtime.stop()
    assert await tables(db) == before and "alembic_version" not in before


async def test_with_migrate_on_start_a_service_upgrades_its_database_and_starts(
    nats_server: EmbeddedNats, database_url: str, db: Database, tmp_path: Path
) -> None:
    await db.create_all(previous_release(PLANNING))
    runtime = planning(database_url, tmp_path, nats_server.url, migrate_on_start=True)
    try:
        await runtime.start()
        assert (await runtime.health())["status"] == "ok"
    finally:
        await runtime.stop()
    assert await migrate(db, PLANNING, upgrade=False) == Migration("planning", "0003", "0003")


async def test_a_new_database_is_built_at_the_head_without_being_told(db: Database) -> None:
    assert await migrate(db, PLANNING, upgrade=False) == Migration("planning", None, "0003")
    assert PLANNING.merged().tables.keys() <= await tables(db)


async def test_a_database_a_newer_release_migrated_is_refused_even_when_told_to_migrate(db: Database) -> None:
    await migrate(db, PLANNING)
    async with db.transaction() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(UnknownRevisionError, match="at revision 0099, which this release does not have"):
        await migrate(db, PLANNING)


async def test_unversioned_tables_that_are_not_the_previous_release_are_refused_and_left_alone(
    db: Database,
) -> None:
    await EventStore(db, "planning").initialise()  # the store's tables only: no release made just these
    before = await tables(db)
    with pytest.raises(SchemaMismatchError, match="not those of the release before migrations"):
        await migrate(db, PLANNING)
    assert await tables(db) == before


async def test_replicas_starting_together_build_a_new_database_once(database_url: str) -> None:
    replicas = [Database(database_url) for _ in range(3)]
    try:
        done = await asyncio.gather(*(migrate(replica, PLANNING, upgrade=False) for replica in replicas))
    finally:
        for replica in replicas:
            await replica.dispose()
    assert sorted(done, key=lambda m: m.before or "") == [
        Migration("planning", None, "0003"),
        Migration("planning", "0003", "0003"),
        Migration("planning", "0003", "0003"),
    ]


async def test_a_previous_release_database_already_at_the_head_is_stamped_and_runs(db: Database) -> None:
    membership = SCHEMAS["membership"]  # no change since the release before migrations
    await db.create_all(previous_release(membership))
    assert await migrate(db, membership, upgrade=False) == Migration(
        "membership", "0001", "0001", unversioned=True
    )
    assert await migrate(db, membership, upgrade=False) == Migration("membership", "0001", "0001")
