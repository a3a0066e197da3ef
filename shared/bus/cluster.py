"""A local NATS cluster: three nats-servers from the wheel on loopback, with per-service users.

What ``chudong run --cluster`` and the fault tests start, to try on one machine
what deploy/ runs for real: routes between the three nodes, JetStream on each,
and the accounts and permissions of :mod:`shared.bus.permissions`. Every port
is chosen once and kept, so a node that is stopped or killed comes back at the
same address with its data.
"""

from __future__ import annotations

import json
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path

from shared.bus.nats_server import EmbeddedNats
from shared.bus.permissions import ADMIN_USER, NATS_SERVICES, nats_user, render_authorization

CLUSTER_NAME = "chudong-local"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_passwords(path: Path, users: list[str]) -> dict[str, str]:
    """Each user's password, generated once and kept (mode 0600) in ``path``."""
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [user for user in users if user not in known]
    if missing:
        known.update({user: secrets.token_urlsafe(24) for user in missing})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known, indent=2))
        path.chmod(0o600)
    return known


@dataclass
class LocalCluster:
    """Three JetStream nodes with routes between them, under ``data_dir``."""

    data_dir: Path
    size: int = 3
    host: str = "127.0.0.1"
    nodes: list[EmbeddedNats] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Every node's client URL, comma-separated (what ``NATS_URL`` takes)."""
        return ",".join(f"nats://{self.host}:{node.port}" for node in self.nodes)

    @property
    def admin(self) -> tuple[str, str]:
        return ADMIN_USER, self.passwords[ADMIN_USER]

    def credentials(self, service: str) -> tuple[str, str]:
        user = nats_user(service)
        return user, self.passwords[user]

    def start(self, timeout: float = 30.0) -> LocalCluster:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        users = [ADMIN_USER, *(nats_user(s) for s in NATS_SERVICES)]
        self.passwords = load_passwords(self.data_dir / "users.json", users)
        ports_file = self.data_dir / "ports.json"
        if ports_file.exists():
            ports = [tuple(p) for p in json.loads(ports_file.read_text())]
        else:
            ports = [(_free_port(), _free_port()) for _ in range(self.size)]
            ports_file.write_text(json.dumps(ports))
        authorization = render_authorization(self.passwords)
        for index, (client_port, route_port) in enumerate(ports):
            name = f"n{index + 1}"
            routes = [f"nats-route://{self.host}:{r}" for i, (_, r) in enumerate(ports) if i != index]
            config = self.data_dir / f"{name}.conf"
            config.write_text(
                f"server_name: {name}\n"
                f"cluster {{\n  name: {CLUSTER_NAME}\n  listen: {self.host}:{route_port}\n"
                f"  routes: [{', '.join(routes)}]\n}}\n" + authorization
            )
            config.chmod(0o600)
            self.nodes.append(
                EmbeddedNats(self.data_dir / name, host=self.host, port=client_port, config_file=config)
            )
        for node in self.nodes:
            node.start(timeout)
        return self

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def node(self, server_name: str) -> EmbeddedNats:
        """The node called ``server_name`` (``n1``…), e.g. the stream leader a test kills."""
        index = int(server_name.removeprefix("n")) - 1
        return self.nodes[index]

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
