"""``chudong run``'s embedded NATS admits no anonymous client: each service connects as its own user and
publishes only its own subjects, and the CLI works on it as the admin."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from chudong.context import read_running
from chudong.nats.credentials import NatsUsers, users_file
from shared.bus.connection import NatsAuthorizationError, connect
from shared.bus.permissions import ADMIN_USER
from shared.bus.subjects import stream_name
from shared.settings import CommonSettings
from tests.e2e.conftest import RunningSystem, start_system


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    running = start_system(tmp_path_factory.mktemp("bus") / "data")
    yield running
    running.stop()


def nats_url(system: RunningSystem) -> str:
    info = read_running(CommonSettings(data_dir=system.data_dir))
    assert info is not None
    return info.nats_url


def users(system: RunningSystem) -> NatsUsers:
    found = NatsUsers.read(users_file(system.data_dir))
    assert found is not None
    return found


async def test_an_anonymous_client_is_refused(system: RunningSystem) -> None:
    with pytest.raises(NatsAuthorizationError, match="refused an anonymous client"):
        await connect(nats_url(system), name="anonymous", connect_timeout=10)


async def test_a_services_user_cannot_publish_another_services_events(system: RunningSystem) -> None:
    url = nats_url(system)
    admin = await connect(url, name="admin", user=ADMIN_USER, password=users(system).admin[1])
    planning_user, planning_password = users(system).of("planning")
    planning = await connect(url, name="planning", user=planning_user, password=planning_password)
    try:
        before = (await admin.jetstream().stream_info(stream_name("membership"))).state.messages
        with capture_logs() as logs, pytest.raises(TimeoutError):
            await planning.jetstream().publish("membership.MemberJoined.vn.bg", b"{}", timeout=1)
        after = (await admin.jetstream().stream_info(stream_name("membership"))).state.messages
    finally:
        await planning.close()
        await admin.close()
    assert after == before
    refusals = [entry for entry in logs if entry["event"] == "nats.permission_denied"]
    assert refusals and 'publish to "membership.memberjoined.vn.bg"' in refusals[0]["error"].lower()


def test_the_cli_works_on_the_embedded_system_as_its_admin(system: RunningSystem) -> None:
    status = system.cli("status", "--json")
    assert status.returncode == 0, status.stderr
    streams = {s["name"]: s for s in json.loads(status.stdout)["streams"]}
    assert {stream_name("membership"), "DEADLETTER"} <= set(streams)
    assert {s["replicas"] for s in streams.values()} == {1}
    for command in (["streams"], ["checkpoints", "sign"], ["verify"], ["replay", "--format", "json"]):
        done = system.cli(*command)
        assert done.returncode == 0, (command, done.stderr)
        assert "Authorization Violation" not in done.stderr


def test_a_cli_the_server_refuses_says_so_and_exits(system: RunningSystem) -> None:
    # subprocess's timeout guards against retrying for ever; the refusal itself is immediate.
    wrong = {"CHUDONG_NATS_USER": ADMIN_USER, "CHUDONG_NATS_PASSWORD": "wrong"}
    for command in (["status"], ["streams"], ["replay"]):
        done = system.cli(*command, env=wrong, timeout=30)
        assert done.returncode != 0, command
        assert f"refused user {ADMIN_USER!r}: Authorization Violation" in done.stderr, (command, done.stderr)


def test_the_services_run_as_their_own_users_without_refusals(system: RunningSystem) -> None:
    logs = "".join(p.read_text() for p in (system.data_dir / "logs").glob("*.log"))
    assert '"service.started"' in logs
    assert "permission_denied" not in logs and "authorization_refused" not in logs


def test_the_nats_passwords_and_server_config_are_for_the_owner_only(system: RunningSystem) -> None:
    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    passwords = users_file(system.data_dir)
    assert mode(passwords) == 0o600 and mode(passwords.parent) == 0o700
    config = system.data_dir / "nats" / "nats.conf"
    assert mode(config) == 0o600
    assert users(system).admin[1] in config.read_text()
