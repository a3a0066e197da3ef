"""``chudong migrate``: every service's database, or one, from the settings the services read."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chudong.cli import app
from chudong.migrations import SCHEMAS
from shared.settings import SERVICES
from shared.store import Database
from tests.migrations.previous_release import previous_release


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHUDONG_DATA_DIR", str(tmp_path))
    for service in SERVICES:
        monkeypatch.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
    return tmp_path


async def create_previous_release(url: str, service: str) -> None:
    db = Database(url)
    try:
        await db.create_all(previous_release(SCHEMAS[service]))
    finally:
        await db.dispose()


def test_migrate_upgrades_every_database_and_says_from_which_revision_to_which(data_dir: Path) -> None:
    asyncio.run(create_previous_release(f"sqlite+aiosqlite:///{data_dir / 'planning.db'}", "planning"))

    first = CliRunner().invoke(app, ["migrate"])
    again = CliRunner().invoke(app, ["migrate", "planning"])

    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "membership: empty → 0001",
        "planning: previous release (0001) → 0003",
        "evaluation: empty → 0004",
        "notifications: empty → 0004",
        "identity: empty → 0001",
        "dashboard: empty → 0002",
    ]
    assert again.exit_code == 0 and again.output.splitlines() == ["planning: at 0003, up to date"]


def test_migrate_names_the_services_it_knows(data_dir: Path) -> None:
    unknown = CliRunner().invoke(app, ["migrate", "plans"])
    assert unknown.exit_code == 2
    known = "membership, planning, evaluation, notifications, identity, dashboard"
    assert f"unknown service 'plans': one of {known}" in unknown.output
    unnamed = CliRunner().invoke(app, ["migrate", "--new", "a column"])
    assert unnamed.exit_code == 2 and "--new writes a revision of one service" in unnamed.output
    assert not list(data_dir.glob("*.db"))


def test_migrate_stops_at_a_database_it_cannot_upgrade_with_the_reason(data_dir: Path) -> None:
    async def newer_release() -> None:
        db = Database(f"sqlite+aiosqlite:///{data_dir / 'evaluation.db'}")
        try:
            async with db.transaction() as conn:
                await conn.exec_driver_sql(
                    "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"
                )
                await conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('0042')")
        finally:
            await db.dispose()

    asyncio.run(newer_release())
    result = CliRunner().invoke(app, ["migrate"])
    assert result.exit_code == 1
    assert (
        "evaluation's database" in result.output
        and "at revision 0042, which this release does not have" in (result.output)
    )
    assert result.output.splitlines()[:2] == ["membership: empty → 0001", "planning: empty → 0003"]
