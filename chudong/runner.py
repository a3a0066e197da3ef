"""``chudong run``: the embedded NATS server and the four services, each its own process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.bus.nats_server import EmbeddedNats
from shared.settings import SERVICES, CommonSettings, service_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class ServiceProcess:
    name: str
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class System:
    """The whole of chudong on one machine."""

    common: CommonSettings
    free_ports: bool = False
    log_dir: Path | None = None
    nats: EmbeddedNats | None = None
    nats_url: str = ""
    services: list[ServiceProcess] = field(default_factory=list)

    def start(self, timeout: float = 60.0) -> None:
        data_dir = self.common.data_dir.resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        self.common.resolved_jwt_secret()  # created once, before the services race to it
        if self.common.nats_url:
            self.nats_url = self.common.nats_url
        else:
            self.nats = EmbeddedNats(data_dir / "nats").start()
            self.nats_url = self.nats.url
        for name in SERVICES:
            settings = service_settings(name)
            port = free_port() if self.free_ports else settings.port
            if not port_is_free(port):
                self.stop()
                raise SystemExit(
                    f"port {port} for {name} is in use: set {name.upper()}_PORT or run with --free-ports"
                )
            self.services.append(ServiceProcess(name, port))
        for service in self.services:
            service.process = self._spawn(service, data_dir)
        self.wait_healthy(timeout)

    def _spawn(self, service: ServiceProcess, data_dir: Path) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        env.update(
            {
                "NATS_URL": self.nats_url,
                "CHUDONG_DATA_DIR": str(data_dir),
                f"{service.name.upper()}_PORT": str(service.port),
                f"{service.name.upper()}_HOST": "127.0.0.1",
            }
        )
        for other in self.services:
            env[f"CHUDONG_{other.name.upper()}_URL"] = other.url
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = (self.log_dir / f"{service.name}.log").open("ab")
        return subprocess.Popen(
            [sys.executable, "-m", f"services.{service.name}.main"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = list(self.services)
        with httpx.Client(timeout=2.0) as client:
            while pending and time.monotonic() < deadline:
                for service in list(pending):
                    assert service.process is not None
                    if service.process.poll() is not None:
                        self.stop()
                        raise SystemExit(f"{service.name} exited with code {service.process.returncode}")
                    try:
                        if client.get(f"{service.url}/healthz").status_code == 200:
                            pending.remove(service)
                    except httpx.HTTPError:
                        pass
                time.sleep(0.1)
        if pending:
            self.stop()
            raise SystemExit("not healthy in time: " + ", ".join(s.name for s in pending))

    def running(self) -> bool:
        return all(s.process is not None and s.process.poll() is None for s in self.services)

    def stop(self, timeout: float = 15.0) -> None:
        for service in self.services:
            if service.process is not None and service.process.poll() is None:
                service.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for service in self.services:
            if service.process is None:
                continue
            try:
                service.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait()
        if self.nats is not None:
            self.nats.stop()
