"""A whole chudong started as a user starts it: ``chudong run``."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest


@dataclass
class RunningSystem:
    process: subprocess.Popen[str]
    urls: dict[str, str]
    data_dir: Path
    env: dict[str, str]
    tokens: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def token(self, role: str, unit: str) -> dict[str, str]:
        """A token minted by ``chudong token``, as a user would (once per role and unit)."""
        if (role, unit) in self.tokens:
            return self.tokens[role, unit]
        chudong = shutil.which("chudong", path=str(Path(sys.executable).parent)) or "chudong"
        token = subprocess.run(
            [chudong, "token", "--role", role, "--unit", unit],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self.tokens[role, unit] = {"Authorization": f"Bearer {token}"}
        return self.tokens[role, unit]

    def cli(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """``chudong ARGS`` run against this system, as an operator runs it on the same data directory."""
        chudong = Path(sys.executable).parent / "chudong"
        return subprocess.run(
            [str(chudong), *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait()


def system_env(data_dir: Path, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a ``chudong`` command on ``data_dir``: its SQLite databases and embedded NATS."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL") and k != "NATS_URL"}
    env.update({"CHUDONG_DATA_DIR": str(data_dir), "CHUDONG_LOG_FORMAT": "json", **(extra_env or {})})
    return env


def start_system(
    data_dir: Path,
    extra_env: dict[str, str] | None = None,
    timeout: float = 90,
    stderr: Path | None = None,
) -> RunningSystem:
    """``chudong run`` on ``data_dir``; what it says on its standard error goes to ``stderr`` if given."""
    env = system_env(data_dir, extra_env)
    chudong = Path(sys.executable).parent / "chudong"
    errors: IO[str] | int = stderr.open("w") if stderr is not None else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            [str(chudong), "run", "--free-ports", "--log-dir", str(data_dir / "logs")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    finally:
        if not isinstance(errors, int):
            errors.close()  # the child has its own copy
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("READY"):
            urls = dict(part.split("=", 1) for part in line.split()[1:])
            return RunningSystem(process, urls, data_dir, env)
    raise AssertionError(f"chudong run exited with {process.wait()} before it was ready")


@pytest.fixture
def system(tmp_path: Path) -> Iterator[RunningSystem]:
    running = start_system(tmp_path / "data")
    yield running
    running.stop()
