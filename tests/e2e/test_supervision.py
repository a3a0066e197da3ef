"""``chudong run`` restarts a service that dies, on its port, and the others go on; a service that keeps
failing stops chudong with a message that names it."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import RunningSystem, start_system
from tests.e2e.test_walking_skeleton import wait_for_count
from tests.support import eventually, unit_body

TREE = [("bg", "vn", "province"), ("bg-pl", "bg", "district"), ("pl-x", "bg-pl", "grassroots")]


def service_pids(system: RunningSystem) -> dict[str, int]:
    """The process of each service ``chudong run`` started, by the module it runs."""
    pids: dict[str, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if parent == system.process.pid and b"-m" in command:
            module = command[command.index(b"-m") + 1].decode()
            pids[module.split(".")[1]] = int(entry.name)
    return pids


def healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def admit(client: httpx.Client, system: RunningSystem, member_id: str) -> httpx.Response:
    return client.post(
        f"{system.urls['membership']}/members",
        headers=system.token("admin", "vn"),
        json={
            "member_id": member_id,
            "branch_id": "pl-x-1",
            "joined_on": "2026-03-26",
            "admission_decision_ref": f"QĐ {member_id}",
            "profile": {"full_name": f"Đoàn viên {member_id}", "birth_date": "2005-01-15"},
        },
    )


def test_a_killed_service_is_restarted_on_its_port_and_the_others_never_stop(tmp_path: Path) -> None:
    said = tmp_path / "chudong.err"
    system = start_system(tmp_path / "data", stderr=said)
    try:
        membership, evaluation = system.urls["membership"], system.urls["evaluation"]
        admin = system.token("admin", "vn")
        with httpx.Client(timeout=10) as client:
            for unit, parent, level in [*TREE, ("pl-x-1", "pl-x", "branch")]:
                answer = client.post(
                    f"{membership}/units", headers=admin, json=unit_body(unit, parent, level)
                )
                assert answer.status_code == 201, answer.text
            officer = system.token("district_officer", "bg-pl")  # a unit of the tree, now it is one
            assert admit(client, system, "sv-1").status_code == 201
            before = service_pids(system)
            assert set(before) == set(system.urls), before

            os.kill(before["membership"], signal.SIGKILL)

            eventually(
                lambda: service_pids(system).get("membership", before["membership"]) != before["membership"],
                "membership restarted",
            )
            eventually(lambda: healthy(membership), "membership answers /healthz on its port again")
            answer = admit(client, system, "sv-2")
            assert answer.status_code == 201, answer.text
            wait_for_count(client, f"{evaluation}/units/bg-pl/member-count", officer, 2)
            after = service_pids(system)
        others = {name: pid for name, pid in before.items() if name != "membership"}
        assert {name: after[name] for name in others} == others, "another service was restarted"
        assert "membership exited (exit code -9, killed by SIGKILL); restarting it in 1 s" in said.read_text()
        assert system.stop() == 0
    finally:
        system.stop()


@pytest.mark.slow  # three failing restarts of a service; the policy itself: tests/unit/test_supervision.py
def test_a_service_that_keeps_failing_stops_chudong_with_a_message_naming_it(tmp_path: Path) -> None:
    said = tmp_path / "chudong.err"
    data = tmp_path / "data"
    policy = {"CHUDONG_RESTART_LIMIT": "3", "CHUDONG_RESTART_BACKOFF_SECONDS": "0.1"}
    system = start_system(data, extra_env=policy, stderr=said)
    try:
        pids = service_pids(system)
        # A database that is no database: every restart of membership fails as it opens it.
        broken = data / "membership.db.broken"
        broken.write_bytes(b"not a database" * 512)
        broken.replace(data / "membership.db")
        for suffix in ("-wal", "-shm"):
            Path(f"{data / 'membership.db'}{suffix}").unlink(missing_ok=True)
        os.kill(pids["membership"], signal.SIGKILL)

        assert system.process.wait(120) == 1
        text = said.read_text()
        assert "membership exited 3 times within 300 s" in text, text
        assert "stopping chudong; see " in text and "membership.log" in text, text
        assert not any(Path(f"/proc/{pid}").exists() for pid in pids.values()), "a service is still running"
    finally:
        system.stop()
