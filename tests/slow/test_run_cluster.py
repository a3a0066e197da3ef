"""``chudong run --cluster --postgres`` as a user starts it: three NATS nodes, streams replicated three
times, each service on its own PostgreSQL database as its own NATS user; ``chudong status`` reports it."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.slow.harness import JWT_SECRET, admit_until_accepted, register_tree, running_cluster
from tests.support import postgres_admin_url

pytestmark = pytest.mark.slow
CHUDONG = Path(sys.executable).parent / "chudong"


async def drop_databases(server: str, prefix: str) -> None:
    conn = await asyncpg.connect(make_url(server).set(drivername="postgresql").render_as_string(False))
    try:
        for row in await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1", prefix + "%"):
            await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
    finally:
        await conn.close()


def test_run_cluster_serves_commands_and_status_reports_replicated_streams(tmp_path: Path) -> None:
    prefix = f"chudong_run_{os.getpid()}"
    server = make_url(postgres_admin_url()).set(database=prefix).render_as_string(hide_password=False)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL") and k != "NATS_URL"}
    env.update({"CHUDONG_DATA_DIR": str(tmp_path / "data"), "CHUDONG_JWT_SECRET": JWT_SECRET})
    try:
        with running_cluster(env, server, tmp_path / "logs") as urls:
            with httpx.Client(timeout=10) as client:
                branches = register_tree(client, urls["membership"], ["p1"])
                for index in range(5):
                    admit_until_accepted(client, urls["membership"], branches[index % 2], f"m{index}")
            status = subprocess.run(
                [str(CHUDONG), "status", "--json"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            report = json.loads(status.stdout)
            streams = {s["name"]: s for s in report["streams"]}
            assert report["nats"].count("nats://") == 3
            assert {s["replicas"] for s in streams.values()} == {3}
            assert streams["MEMBERSHIP"]["messages"] >= 1 + 5 + 5
            logs = "".join(p.read_text() for p in (tmp_path / "logs").glob("*.log"))
            assert "permission_denied" not in logs
    finally:
        asyncio.run(drop_databases(postgres_admin_url(), prefix))
