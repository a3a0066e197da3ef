"""Each service's revisions build exactly its tables in the code, from the previous release's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from chudong.migrations import SCHEMAS
from shared.migrations import migrate
from shared.settings import SERVICES
from shared.store import Database
from tests.migrations.previous_release import previous_release, upgrade_to


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


async def differences(db: Database, metadata: MetaData) -> list[Any]:
    def compare(conn: Connection) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata))

    async with db.read() as conn:
        return await conn.run_sync(compare)


def test_every_service_has_one_line_of_revisions_from_0001() -> None:
    assert set(SCHEMAS) == set(SERVICES)
    for service, history in SCHEMAS.items():
        script = history.script()
        assert history.baseline(script) == "0001", service
        revisions = [r.revision for r in script.walk_revisions()]  # head first
        assert revisions == [f"{n:04d}" for n in range(len(revisions), 0, -1)], service


@pytest.mark.parametrize("service", list(SCHEMAS))
async def test_the_tables_in_the_code_are_the_head_of_their_history(db: Database, service: str) -> None:
    await migrate(db, SCHEMAS[service])
    assert await differences(db, SCHEMAS[service].merged()) == [], (
        f"{service}'s tables differ from its last revision: write one with "
        f"`chudong migrate {service} --new 'what changed'`"
    )


@pytest.mark.parametrize("service", list(SCHEMAS))
async def test_the_first_revision_is_the_schema_of_the_previous_release(db: Database, service: str) -> None:
    await upgrade_to(db, SCHEMAS[service], "0001")
    assert await differences(db, previous_release(SCHEMAS[service])) == []
