"""Erasure stays done: once it has answered, no file of the database yields the person's key.

The whole data directory of a running ``chudong run`` is scanned in tests/e2e/test_data_directory.py;
here, what a database engine keeps after a delete: SQLite's write-ahead log, held by a reader of an
older snapshot, and the dead rows PostgreSQL keeps in the table's file until it is rewritten.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from chudong.cli import app as cli
from chudong.nats.server import EmbeddedNats
from services.membership.adapters.keys import KeyRing
from tests.membership_api import Membership, admission, membership_service
from tests.support import files_holding, wait_until


async def key_of(svc: Membership, person_id: str) -> bytes:
    return (await KeyRing(svc.app.state.runtime.db).keys([person_id]))[person_id]


async def test_erasure_answers_only_once_a_reader_of_an_older_snapshot_has_let_go_of_the_key(
    nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    async with membership_service(tmp_path, nats_server.url) as svc:
        await svc.accept(
            "/members", admission("sn-1", name="Hà Thị Lan", ethnicity="Nùng", phone="0912345678")
        )
        key = await key_of(svc, "sn-1")
        database = tmp_path / "membership.db"
        assert files_holding(tmp_path, key), "the scan must see the key before the erasure"
        # Another connection (an auditor's query, an export) reads a snapshot that has the key in the WAL.
        reader = sqlite3.connect(database, isolation_level=None)
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM person_keys").fetchone() == (1,)
        erasure = asyncio.create_task(
            svc.client.post("/people/sn-1/erasure", json={"request_ref": "ĐN 3/2026"}, headers=svc.token())
        )
        try:
            await wait_until(lambda: _key_gone(svc, "sn-1"), what="the erasure to commit")
            assert not erasure.done(), "the erasure answered while an old copy of the key was in the WAL"
        finally:
            reader.close()
        answer = await erasure
        assert answer.status_code == 201, answer.text
        assert files_holding(tmp_path, key) == []


async def test_a_reader_that_never_lets_go_gets_503_and_a_retry_removes_the_key_once_it_has(
    nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    async with membership_service(tmp_path, nats_server.url) as svc:
        await svc.accept("/members", admission("sn-2", name="Đinh Văn Quý", address="Bản Chiềng"))
        key = await key_of(svc, "sn-2")
        svc.app.state.membership.keys.purge_timeout = 0.3
        reader = sqlite3.connect(tmp_path / "membership.db", isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM person_keys").fetchone()
        try:
            for retry in ({"Idempotency-Key": "erase-sn-2"}, {"Idempotency-Key": "erase-sn-2"}, {}):
                answer = await svc.client.post(
                    "/people/sn-2/erasure", json={"request_ref": "ĐN 5/2026"}, headers=svc.token() | retry
                )
                assert answer.status_code == 503, answer.text
                assert answer.json()["error"] == "purge_incomplete", answer.text
                assert "retrying" in answer.json()["message"]
        finally:
            reader.close()
        assert files_holding(tmp_path, key), "the reader kept the old WAL"
        assert await key_of_or_none(svc, "sn-2") is None, "the key row is deleted all the same"
        again = await svc.client.post(
            "/people/sn-2/erasure", json={"request_ref": "ĐN 5/2026"}, headers=svc.token()
        )
        assert again.status_code == 409 and again.json()["error"] == "person_erased", again.text
        assert files_holding(tmp_path, key) == []


async def key_of_or_none(svc: Membership, person_id: str) -> bytes | None:
    return (await KeyRing(svc.app.state.runtime.db).keys([person_id])).get(person_id)


async def _key_gone(svc: Membership, person_id: str) -> bool:
    return person_id not in await KeyRing(svc.app.state.runtime.db).keys([person_id])


@pytest.mark.postgres
async def test_after_the_purge_command_postgresql_holds_no_erased_key_in_the_tables_files(
    nats_server: EmbeddedNats, tmp_path: Path, postgres_url: str
) -> None:
    dsn = make_url(postgres_url).set(drivername="postgresql").render_as_string(False)
    admin, reader = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
    try:
        server_dir = Path(await admin.fetchval("SHOW data_directory"))
        if not os.access(server_dir / "base", os.R_OK | os.X_OK):
            pytest.skip(f"the server's data directory {server_dir} is not readable here")

        async def table_files() -> list[Path]:
            await admin.execute("CHECKPOINT")  # the table's pages reach its files
            return [server_dir / await admin.fetchval("SELECT pg_relation_filepath('person_keys')")]

        async with membership_service(tmp_path, nats_server.url, postgres_url) as svc:
            await svc.accept("/members", admission("pg-1", name="Vi Văn Hùng", religion="Phật giáo"))
            await svc.accept("/members", admission("pg-2", name="Lương Thị Mai"))
            key, kept = await key_of(svc, "pg-1"), await key_of(svc, "pg-2")
            before = await table_files()
            assert any(key in f.read_bytes() for f in before)
            # A transaction (a long report, say) whose snapshot is older than the erasure, on another table.
            snapshot = reader.transaction(isolation="repeatable_read")
            await snapshot.start()
            await reader.fetchval("SELECT count(*) FROM events")
            await svc.accept("/people/pg-1/erasure", {"request_ref": "ĐN 4/2026"})
            # Deleted, but still a dead row in the table's file: what docs/operations.md says to purge.
            assert [f for f in await table_files() if key in f.read_bytes()] == before
            env = {"MEMBERSHIP_DATABASE_URL": postgres_url, "CHUDONG_DATA_DIR": str(tmp_path)}
            purge = asyncio.create_task(
                asyncio.to_thread(CliRunner().invoke, cli, ["erasure", "purge"], env=env)
            )
            try:
                await wait_until(lambda: _purge_waits(admin), what="the purge to wait for the older snapshot")
                assert not purge.done(), "VACUUM FULL would have copied the row the snapshot still sees"
            finally:
                await snapshot.rollback()
            result = await purge
            assert result.exit_code == 0, result.output
            after = await table_files()
            for path in {*before, *after}:
                assert not path.exists() or key not in path.read_bytes(), path
            assert any(kept in f.read_bytes() for f in after)
    finally:
        await admin.close()
        await reader.close()


async def _purge_waits(admin: asyncpg.Connection) -> bool:
    waiting = await admin.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND query LIKE '%pg_prepared_xacts%' AND pid <> pg_backend_pid()"
    )
    return bool(waiting)


def test_the_purge_command_clears_a_sqlite_database_written_before_secure_delete(tmp_path: Path) -> None:
    database = tmp_path / "membership.db"
    old = sqlite3.connect(database, isolation_level=None)  # as a release without secure delete wrote it
    old.execute("PRAGMA journal_mode=WAL")
    old.execute("PRAGMA secure_delete=OFF")
    old.execute(
        "CREATE TABLE person_keys (person_id VARCHAR(100) PRIMARY KEY, key BLOB, created_at DATETIME)"
    )
    keys = {f"old-{i}": os.urandom(32) for i in range(50)}
    old.executemany("INSERT INTO person_keys VALUES (?, ?, '2025-01-01')", keys.items())
    old.execute("DELETE FROM person_keys WHERE person_id = 'old-7'")
    old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    old.close()
    assert files_holding(tmp_path, keys["old-7"]) == [database], "left in the file's free space"

    env = {"MEMBERSHIP_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "CHUDONG_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["erasure", "purge"], env=env)

    assert result.exit_code == 0, result.output
    assert files_holding(tmp_path, keys["old-7"]) == []
    assert files_holding(tmp_path, keys["old-8"]) == [database]
