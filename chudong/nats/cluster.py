"""A local NATS cluster: three nats-servers from the wheel on loopback, with per-service users.

What ``chudong run --cluster`` and the fault tests start, to try on one machine
what deploy/ runs for real: routes between the three nodes, JetStream on each,
and the accounts and permissions of :mod:`shared.bus.permissions`. Every port
is chosen once and kept, so a node that is stopped or killed comes back at the
same address with its data.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from pathlib import Path

from chudong.nats.credentials import NatsUsers, secured_node
from chudong.nats.server import EmbeddedNats

CLUSTER_NAME = "chudong-local"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalCluster:
    """Three JetStream nodes with routes between them, under ``data_dir``."""

    data_dir: Path
    size: int = 3
    host: str = "127.0.0.1"
    users_file: Path | None = None  # where the passwords are kept; default ``users.json`` in ``data_dir``
    nodes: list[EmbeddedNats] = field(default_factory=list)
    users: NatsUsers = field(default_factory=lambda: NatsUsers({}))

    @property
    def url(self) -> str:
        """Every node's client URL, comma-separated (what ``NATS_URL`` takes)."""
        return ",".join(f"nats://{self.host}:{node.port}" for node in self.nodes)

    @property
    def admin(self) -> tuple[str, str]:
        return self.users.admin

    def credentials(self, service: str) -> tuple[str, str]:
        return self.users.of(service)

    def start(self, timeout: float = 30.0) -> LocalCluster:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.users = NatsUsers.load(self.users_file or self.data_dir / "users.json")
        ports_file = self.data_dir / "ports.json"
        if ports_file.exists():
            ports = [tuple(p) for p in json.loads(ports_file.read_text())]
        else:
            ports = [(_free_port(), _free_port()) for _ in range(self.size)]
            ports_file.write_text(json.dumps(ports))
        for index, (client_port, route_port) in enumerate(ports):
            name = f"n{index + 1}"
            routes = [f"nats-route://{self.host}:{r}" for i, (_, r) in enumerate(ports) if i != index]
            settings = (
                f"server_name: {name}\n"
                f"cluster {{\n  name: {CLUSTER_NAME}\n  listen: {self.host}:{route_port}\n"
                f"  routes: [{', '.join(routes)}]\n}}\n"
            )
            self.nodes.append(
                secured_node(
                    self.data_dir / name, self.users, host=self.host, port=client_port, settings=settings
                )
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
