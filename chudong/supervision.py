"""``chudong run`` keeps the system up: a service process that exits is restarted, with back-off, and so
is the embedded nats-server (on its port, with its data: the services reconnect by themselves).

A crash of one service must not stop the others (every admission would be refused until a person
restarted the system). The system stops only on Ctrl-C (SIGINT, SIGTERM) or when a service keeps
failing: ``limit`` exits within ``window_seconds`` is a fault a restart does not cure (a broken
database, a bad setting), so chudong stops and says which service and why.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from chudong.runner import ServiceProcess, System


class RestartPolicy(BaseSettings):
    """How ``chudong run`` restarts a service that exits (``CHUDONG_RESTART_*``)."""

    model_config = SettingsConfigDict(env_prefix="CHUDONG_RESTART_", extra="ignore")

    backoff_seconds: float = Field(
        default=1.0, gt=0, description="the wait before the first restart; doubled for each further exit"
    )
    backoff_max_seconds: float = Field(default=30.0, gt=0, description="the longest wait before a restart")
    limit: int = Field(
        default=5, ge=1, description="this many exits of one service within the window stop chudong"
    )
    window_seconds: float = Field(default=300.0, gt=0)

    def delay(self, recent_exits: int) -> float:
        """The wait before restarting a service that exited ``recent_exits`` times within the window."""
        return float(min(self.backoff_seconds * 2 ** (recent_exits - 1), self.backoff_max_seconds))


@dataclass
class _Watch:
    exits: list[float] = field(default_factory=list)
    restart_at: float | None = None


@dataclass(frozen=True)
class _Watched:
    """A process ``chudong run`` keeps up: a service, or the embedded nats-server."""

    name: str
    process: subprocess.Popen[Any] | None
    restart: Callable[[], None]
    port: int
    log: str


class GaveUpError(Exception):
    """A service kept failing: chudong stops."""


@dataclass
class Supervisor:
    """Restarts the services of ``system`` that exit; :meth:`check` is called every few tenths of a second."""

    system: System
    policy: RestartPolicy
    say: Callable[[str], None]
    clock: Callable[[], float] = time.monotonic
    _watches: dict[str, _Watch] = field(default_factory=dict, init=False)

    def check(self) -> None:
        """Restart what is due; raise :class:`GaveUpError` when a process exited too often."""
        now = self.clock()
        for watched in self._watched():
            watch = self._watches.setdefault(watched.name, _Watch())
            if watch.restart_at is not None:
                if now >= watch.restart_at:
                    watch.restart_at = None
                    watched.restart()
                continue
            code = watched.process.poll() if watched.process is not None else None
            if code is None:
                continue
            watch.exits = [t for t in watch.exits if now - t < self.policy.window_seconds] + [now]
            if len(watch.exits) >= self.policy.limit:
                raise GaveUpError(
                    f"{watched.name} exited {len(watch.exits)} times within "
                    f"{self.policy.window_seconds:g} s (last: {describe_exit(code)}): stopping chudong;"
                    f" see {watched.log}"
                )
            exits = len(watch.exits)
            delay = self.policy.delay(exits)
            watch.restart_at = now + delay
            self.say(
                f"{watched.name} exited ({describe_exit(code)}); restarting it in {delay:g} s on port "
                f"{watched.port} ({exits} exit{'' if exits == 1 else 's'} within "
                f"{self.policy.window_seconds:g} s; {self.policy.limit} stop chudong)"
            )

    def _watched(self) -> list[_Watched]:
        """The processes to keep up: the embedded nats-server first (the services need it), then each
        service."""
        watched: list[_Watched] = []
        nats = self.system.nats
        if nats is not None and nats.client_port is not None:
            log = str(nats.data_dir / "nats-server.log")
            watched.append(
                _Watched("nats-server", nats.process, self.system.restart_nats, nats.client_port, log)
            )
        for service in self.system.services:
            watched.append(
                _Watched(
                    service.name,
                    service.process,
                    partial(self.system.restart, service),
                    service.port,
                    self._log_of(service),
                )
            )
        return watched

    def _log_of(self, service: ServiceProcess) -> str:
        if self.system.log_dir is None:
            return "its output above"
        return str(self.system.log_dir / f"{service.name}.log")


def describe_exit(code: int) -> str:
    """``exit code 1``, or ``exit code -9, killed by SIGKILL`` for a process ended by a signal."""
    if code < 0:
        try:
            return f"exit code {code}, killed by {signal.Signals(-code).name}"
        except ValueError:
            pass
    return f"exit code {code}"
