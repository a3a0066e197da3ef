"""The auditor's commands against ``chudong run --cluster --postgres``: verify, replay, checkpoints and the
report connect as the cluster's admin, log no warning, and say why at once when refused; once the
system has stopped, verify proves its data directory against the checkpoints filed while it ran."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.slow.harness import JWT_SECRET, admit_until_accepted, register_tree, running_cluster
from tests.slow.test_run_cluster import drop_databases
from tests.support import postgres_admin_url

pytestmark = pytest.mark.slow
CHUDONG = Path(sys.executable).parent / "chudong"


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHUDONG), *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_audit_commands_on_the_cluster_online_then_offline(tmp_path: Path) -> None:
    prefix = f"chudong_audit_{os.getpid()}"
    server = make_url(postgres_admin_url()).set(database=prefix).render_as_string(hide_password=False)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL") and k != "NATS_URL"}
    env = {k: v for k, v in env.items() if not k.endswith("_CHECKPOINT_KEY")}
    env.update({"CHUDONG_DATA_DIR": str(tmp_path / "data"), "CHUDONG_JWT_SECRET": JWT_SECRET})
    with running_cluster(env, server, tmp_path / "logs") as urls:
        with httpx.Client(timeout=10) as client:
            branches = register_tree(client, urls["membership"], ["p1"])
            for index in range(3):
                admit_until_accepted(client, urls["membership"], branches[index % 2], f"m{index}")
        signed = cli(env, "checkpoints", "sign")
        assert signed.returncode == 0, signed.stderr
        verified = cli(env, "verify", "--lang", "en")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "warning" not in verified.stderr and "nats.disconnected" not in verified.stderr
        membership = next(
            line
            for line in verified.stdout.splitlines()
            if line.startswith("membership") and "checkpoints" in line
        )
        assert "held by the history" in membership
        kept = tmp_path / "kept.json"
        assert cli(env, "checkpoints", "export", "--out", str(kept), "--latest").returncode == 0
        replayed = cli(env, "replay", "--format", "csv", "--unit", "p1")
        assert replayed.returncode == 0 and "p1-g" in replayed.stdout, replayed.stderr
        assert replayed.stderr == "", "a normal run logs nothing"
        report = cli(env, "audit", "report", "--unit", "p1", "--out", str(tmp_path / "report"))
        assert report.returncode == 0, report.stderr
        document = json.loads(next((tmp_path / "report").glob("*.json")).read_text())
        assert document["verification"]["verdict"] == "ok" and document["unions"][0]["unit_id"] == "p1-g"
        assert document["run"]["data_source"]["nats"].count("nats://") == 3
        refused_env = {**env, "CHUDONG_NATS_USER": "chudong-admin", "CHUDONG_NATS_PASSWORD": "wrong"}
        for command in (("verify", "--lang", "en"), ("replay",), ("status",)):
            started = time.monotonic()
            refused = cli(refused_env, *command, timeout=30)
            assert time.monotonic() - started < 15, command
            assert refused.returncode != 0 and "Authorization Violation" in refused.stdout + refused.stderr, (
                command
            )
    try:
        offline = cli(env, "verify", "--lang", "en", "--against", str(kept))
        assert offline.returncode == 0, offline.stdout + offline.stderr
        assert "filed" in offline.stdout and "nats-cluster" not in offline.stderr
        copy_report = cli(env, "audit", "report", "--unit", "p1", "--out", str(tmp_path / "offline"))
        assert copy_report.returncode == 0, copy_report.stderr
        offline_doc = json.loads(next((tmp_path / "offline").glob("*.json")).read_text())
        assert offline_doc["run"]["data_source"]["mode"] == "offline"
        assert offline_doc["unions"] == document["unions"] and offline_doc["history"] == document["history"]
    finally:
        asyncio.run(drop_databases(postgres_admin_url(), prefix))
