"""``chudong run``: the embedded NATS server (or a local three-node cluster) and the four services.

The services connect to the embedded server as their own NATS users (each with
its permissions; nothing anonymous); with ``cluster`` to three nats-servers on
loopback, the streams replicated three times; with ``postgres`` each service
gets its own database on that server.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from chudong.context import record_databases
from chudong.migrations import migrate_databases
from chudong.nats.cluster import LocalCluster
from chudong.nats.credentials import NatsUsers, secured_node, users_file
from chudong.nats.server import EmbeddedNats
from shared.bus.connection import connect
from shared.bus.keys import ensure_bus_keys
from shared.bus.streams import ensure_streams
from shared.migrations import Migration
from shared.retry import Backoff
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
    cluster: bool = False
    postgres: str | None = None
    nats: EmbeddedNats | None = None
    local_cluster: LocalCluster | None = None
    nats_url: str = ""
    services: list[ServiceProcess] = field(default_factory=list)
    service_env: dict[str, dict[str, str]] = field(default_factory=dict)
    migrations: list[Migration] = field(default_factory=list)
    data_dir: Path = field(default=Path(), init=False)

    def start(self, timeout: float = 60.0) -> None:
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise

    def _start(self, timeout: float) -> None:
        data_dir = self.common.ensure_data_dir().resolve()
        self.common.resolved_jwt_secret()  # created once, before the services race to it
        ensure_bus_keys(data_dir)  # created once, like the signing key (shared.bus.keys)
        if self.common.nats_url and not self.cluster:
            self.nats_url = self.common.nats_url
        else:
            self._start_nats(data_dir)
        if self.postgres:
            urls = asyncio.run(create_service_databases(self.postgres))
            for name, url in urls.items():
                self.service_env.setdefault(name, {})[f"{name.upper()}_DATABASE_URL"] = url
            record_databases(self.common, urls)  # where `chudong verify` finds them, even once stopped
        # Each database at this release's schema before its service starts (which refuses one behind).
        self.migrations = migrate_databases(self.common, self.service_env)
        for name in SERVICES:
            settings = service_settings(name)
            port = free_port() if self.free_ports else settings.port
            if not port_is_free(port):
                self.stop()
                raise SystemExit(
                    f"port {port} for {name} is in use: set {name.upper()}_PORT or run with --free-ports"
                )
            self.services.append(ServiceProcess(name, port))
        self.data_dir = data_dir
        for service in self.services:
            service.process = self._spawn(service, data_dir)
        self.wait_healthy(timeout)

    def restart(self, service: ServiceProcess) -> None:
        """Start ``service`` again, on its port and with its settings, after its process exited."""
        assert service.process is not None and service.process.poll() is not None, "still running"
        service.process = self._spawn(service, self.data_dir)

    def restart_nats(self) -> None:
        """Start the embedded nats-server again, on its port and with its data, after it exited."""
        assert self.nats is not None
        self.nats.restart()

    def _start_nats(self, data_dir: Path) -> None:
        """chudong's own NATS (one node, or three with ``cluster``), each service as its own user.

        No client is anonymous: the admin creates the streams here, and the services run with
        ``CHUDONG_MANAGE_STREAMS=false`` because their users may only read stream information.
        """
        passwords = users_file(data_dir)
        if self.cluster:
            self.local_cluster = LocalCluster(data_dir / "nats-cluster", users_file=passwords).start()
            self.nats_url, users, replicas = self.local_cluster.url, self.local_cluster.users, 3
        else:
            users = NatsUsers.load(passwords)
            self.nats = secured_node(data_dir / "nats", users).start()
            self.nats_url, replicas = self.nats.url, 1
        asyncio.run(
            create_streams(
                self.nats_url,
                *users.admin,
                replicas=replicas,
                duplicate_window=self.common.dedup_window_seconds,
            )
        )
        for name in SERVICES:
            service_user, service_password = users.of(name)
            self.service_env.setdefault(name, {}).update(
                {
                    f"{name.upper()}_NATS_USER": service_user,
                    f"{name.upper()}_NATS_PASSWORD": service_password,
                    "CHUDONG_MANAGE_STREAMS": "false",
                    "CHUDONG_STREAM_REPLICAS": str(replicas),
                }
            )

    def environment(self, service: ServiceProcess, data_dir: Path) -> dict[str, str]:
        """The variables ``service`` starts with: where NATS and the data are, its port, and where every
        service answers (``CHUDONG_<NAME>_URL``: notifications links its alerts to the dashboard's)."""
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
        env.update(self.service_env.get(service.name, {}))
        return env

    def _spawn(self, service: ServiceProcess, data_dir: Path) -> subprocess.Popen[bytes]:
        env = self.environment(service, data_dir)
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = (self.log_dir / f"{service.name}.log").open("ab")
        try:
            return subprocess.Popen(
                [sys.executable, "-m", f"services.{service.name}.main"],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
                start_new_session=True,
            )
        finally:
            if output is not None:
                output.close()  # the child has its own copy; each restart would leak one here

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
        if self.local_cluster is not None:
            self.local_cluster.stop()


async def create_streams(
    nats_url: str,
    user: str | None,
    password: str | None,
    *,
    replicas: int,
    duplicate_window: float = 7200.0,
    timeout: float = 60.0,
) -> None:
    """Create or update the streams as the admin user, waiting for the cluster to elect its leaders."""
    nc = await connect(nats_url, name="chudong-streams", user=user, password=password)
    try:
        waiting = Backoff(0.5, 0.5, retry_for=timeout)
        while True:
            try:
                await ensure_streams(nc.jetstream(), replicas=replicas, duplicate_window=duplicate_window)
                return
            except Exception:
                # A new cluster answers JetStream requests only once it has a meta leader.
                if waiting.expired():
                    raise
                await waiting.wait()
    finally:
        await nc.close()


async def create_service_databases(server_url: str) -> dict[str, str]:
    """A database per service (``chudong_<service>``) on the PostgreSQL server, created when missing."""
    url = make_url(server_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+asyncpg")
    admin = url.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        existing = {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
        urls: dict[str, str] = {}
        for name in SERVICES:
            database = (
                f"{url.database or 'chudong'}_{name}"
                if url.database not in (None, "postgres")
                else f"chudong_{name}"
            )
            if database not in existing:
                await conn.execute(f'CREATE DATABASE "{database}"')
            urls[name] = url.set(database=database).render_as_string(hide_password=False)
        return urls
    finally:
        await conn.close()
