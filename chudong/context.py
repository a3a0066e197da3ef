"""What a running ``chudong run`` tells the other commands: where NATS and the services are."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from shared.settings import CommonSettings

RUNTIME_FILE = "runtime.json"


@dataclass(frozen=True, slots=True)
class RunningInfo:
    nats_url: str
    services: dict[str, str]
    pid: int


def write_running(common: CommonSettings, info: RunningInfo) -> None:
    path = common.data_dir / RUNTIME_FILE
    path.write_text(json.dumps(asdict(info), indent=2))


def clear_running(common: CommonSettings) -> None:
    (common.data_dir / RUNTIME_FILE).unlink(missing_ok=True)


def read_running(common: CommonSettings) -> RunningInfo | None:
    """The system started by ``chudong run`` on this data directory, if it is running."""
    path = common.data_dir / RUNTIME_FILE
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    info = RunningInfo(nats_url=data["nats_url"], services=dict(data["services"]), pid=int(data["pid"]))
    if not Path(f"/proc/{info.pid}").exists():
        return None
    return info


def nats_credentials(common: CommonSettings) -> tuple[str | None, str | None]:
    """The admin NATS user: ``CHUDONG_NATS_USER``/``_PASSWORD``, else that of a local cluster here."""
    if common.nats_user:
        password = common.nats_password
        return common.nats_user, password.get_secret_value() if password else None
    users = common.data_dir / "nats-cluster" / "users.json"
    if not common.nats_url and users.exists():
        from shared.bus.permissions import ADMIN_USER

        return ADMIN_USER, str(json.loads(users.read_text())[ADMIN_USER])
    return None, None


def nats_url(common: CommonSettings) -> str:
    """``NATS_URL``, else the running system's embedded server."""
    if common.nats_url:
        return common.nats_url
    info = read_running(common)
    if info is None:
        raise SystemExit("no NATS server: set NATS_URL or start chudong with `chudong run`")
    return info.nats_url
