"""The restart policy of ``chudong run``, on processes that exit at once and a clock the test moves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from chudong.runner import ServiceProcess, System
from chudong.supervision import GaveUpError, RestartPolicy, Supervisor
from shared.settings import CommonSettings


class FailingSystem(System):
    """Services whose every process exits with code 3, as one whose database is broken does."""

    def _spawn(self, service: ServiceProcess, data_dir: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def exited(system: System) -> None:
    for service in system.services:
        assert service.process is not None
        service.process.wait(30)


def failing(tmp_path: Path) -> tuple[System, Supervisor, Clock, list[str]]:
    system = FailingSystem(CommonSettings(data_dir=tmp_path), log_dir=tmp_path / "logs")
    service = ServiceProcess("membership", 8101)
    system.services.append(service)
    service.process = system._spawn(service, tmp_path)
    clock, said = Clock(), list[str]()
    policy = RestartPolicy(backoff_seconds=1, backoff_max_seconds=3, limit=4, window_seconds=60)
    return system, Supervisor(system, policy, said.append, clock), clock, said


def test_a_service_that_exits_is_restarted_after_a_wait_that_doubles_and_keeps_its_port(
    tmp_path: Path,
) -> None:
    system, supervisor, clock, said = failing(tmp_path)
    first = system.services[0].process
    exited(system)
    supervisor.check()
    assert said == [
        "membership exited (exit code 3); restarting it in 1 s on port 8101 (1 exit within 60 s;"
        " 4 stop chudong)"
    ]
    clock.now = 0.9
    supervisor.check()
    assert system.services[0].process is first, "restarted before its wait was over"
    clock.now = 1.0
    supervisor.check()
    assert system.services[0].process is not first and system.services[0].port == 8101
    waits = []
    for _ in range(2):
        exited(system)
        supervisor.check()
        waits.append(said[-1].split(" in ", 1)[1].split(" s ")[0])
        clock.now += 10
        supervisor.check()
    assert waits == ["2", "3"], "doubled, then capped at backoff_max_seconds"


def test_a_service_that_keeps_failing_gives_up_with_its_name_its_exit_code_and_its_log(
    tmp_path: Path,
) -> None:
    system, supervisor, clock, said = failing(tmp_path)
    for _ in range(3):
        exited(system)
        supervisor.check()
        clock.now += 5
        supervisor.check()
    exited(system)
    with pytest.raises(GaveUpError) as gave_up:
        supervisor.check()
    assert str(gave_up.value) == (
        f"membership exited 4 times within 60 s (last: exit code 3): stopping chudong;"
        f" see {tmp_path / 'logs' / 'membership.log'}"
    )
    assert len(said) == 3


def test_exits_older_than_the_window_are_forgotten(tmp_path: Path) -> None:
    system, supervisor, clock, said = failing(tmp_path)
    for _ in range(6):
        exited(system)
        supervisor.check()
        clock.now += 61
        supervisor.check()
    assert all("restarting it in 1 s" in line for line in said) and len(said) == 6
