"""``chudong token`` is for development and tests: it names only known units, and production refuses it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chudong.cli import app
from chudong.migrations import migrate_databases
from shared.auth import decode_token
from shared.orgtree import org_units
from shared.settings import CommonSettings
from shared.store import Database


async def _register_root(url: str) -> None:
    db = Database(url)
    try:
        async with db.transaction() as conn:
            await conn.execute(
                org_units.insert().values(
                    unit_id="vn",
                    parent_id=None,
                    path="vn",
                    name="Trung ương Đoàn",
                    level="central",
                    unit_type="other",
                    status="active",
                    recognising_unit_id=None,
                    registered_at=datetime(2000, 1, 1, tzinfo=UTC),
                )
            )
    finally:
        await db.dispose()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHUDONG_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MEMBERSHIP_DATABASE_URL", raising=False)
    return tmp_path


def test_a_token_names_only_a_unit_of_the_tree(data_dir: Path) -> None:
    nowhere = CliRunner().invoke(app, ["token", "--role", "admin", "--unit", "vn"])
    assert nowhere.exit_code == 2 and "unit 'vn' is not in the org tree" in nowhere.output
    common = CommonSettings()
    migrate_databases(common, services=["membership"])
    asyncio.run(_register_root(f"sqlite+aiosqlite:///{data_dir / 'membership.db'}"))
    unknown = CliRunner().invoke(app, ["token", "--role", "admin", "--unit", "bg-typo"])
    assert unknown.exit_code == 2 and "'bg-typo' is not in the org tree" in unknown.output
    minted = CliRunner().invoke(app, ["token", "--role", "admin", "--unit", "vn"])
    assert minted.exit_code == 0, minted.output
    assert "for development and tests only" in minted.output
    token = minted.output.strip().splitlines()[-1]
    assert decode_token(token, common.resolved_jwt_secret()).unit_id == "vn"


def test_production_refuses_development_tokens(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHUDONG_ENVIRONMENT", "production")
    refused = CliRunner().invoke(app, ["token", "--role", "admin", "--unit", "vn"])
    assert refused.exit_code == 2
    assert (
        "for development and tests" in refused.output and "CHUDONG_ENVIRONMENT=production" in refused.output
    )
