"""What a running ``chudong run`` tells the other commands: where NATS and the services are."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from chudong.nats.credentials import NatsUsers, users_file, write_private
from chudong.nats.server import NatsServerError
from shared.bus.connection import NatsAuthorizationError
from shared.bus.permissions import ADMIN_USER
from shared.settings import CommonSettings, service_settings

RUNTIME_FILE = "runtime.json"
CLI_CONNECT_TIMEOUT = 5.0
"""How long a command waits for NATS to answer before it says so and exits non-zero."""


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
    """The admin NATS user: ``CHUDONG_NATS_USER``/``_PASSWORD``, else that of ``chudong run`` here.

    ``chudong run`` (one node or ``--cluster``) keeps its users' passwords in the data directory; without
    ``NATS_URL`` the CLI connects to that system as its admin.
    """
    if common.nats_user:
        password = common.nats_password
        return common.nats_user, password.get_secret_value() if password else None
    if not common.nats_url:
        path = users_file(common.data_dir)
        try:
            users = NatsUsers.read(path)
        except PermissionError as exc:
            raise SystemExit(f"cannot read the NATS admin's password in {path}: {exc.strerror}") from exc
        except NatsServerError as exc:
            raise SystemExit(str(exc)) from exc
        if users is not None and ADMIN_USER in users.passwords:
            return users.admin
    return None, None


@contextmanager
def nats_failures_reported(common: CommonSettings) -> Iterator[None]:
    """NATS refusing the CLI, or not answering, as one line and a non-zero exit instead of a traceback."""
    try:
        yield
    except NatsAuthorizationError as exc:
        raise SystemExit(
            f"{exc}. The CLI connects as CHUDONG_NATS_USER (password CHUDONG_NATS_PASSWORD), else, without "
            f"NATS_URL, as the admin of the chudong run whose passwords are in {users_file(common.data_dir)}"
        ) from exc
    except (OSError, TimeoutError) as exc:
        raise SystemExit(f"NATS did not answer: {exc or exc.__class__.__name__}") from exc


def nats_url(common: CommonSettings) -> str:
    """``NATS_URL``, else the running system's embedded server."""
    if common.nats_url:
        return common.nats_url
    info = read_running(common)
    if info is None:
        raise SystemExit("no NATS server: set NATS_URL or start chudong with `chudong run`")
    return info.nats_url


def databases_file(data_dir: Path) -> Path:
    """Where ``chudong run --postgres`` records each service's database, for the commands run later."""
    return data_dir / "secrets" / "databases.json"


def record_databases(common: CommonSettings, urls: dict[str, str]) -> None:
    """Keep each service's database URL (it may hold a password: for the owner only)."""
    write_private(databases_file(common.data_dir), json.dumps(urls, indent=2) + "\n")


def recorded_databases(common: CommonSettings) -> dict[str, str]:
    """The databases ``chudong run --postgres`` last gave the services of this data directory."""
    path = databases_file(common.data_dir)
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def service_database_url(common: CommonSettings, service: str) -> str:
    """``service``'s database as the system of this data directory uses it: ``<SERVICE>_DATABASE_URL``,
    else the one ``chudong run --postgres`` recorded here, else SQLite in the data directory."""
    settings = service_settings(service)
    if settings.database_url:
        return settings.database_url
    return recorded_databases(common).get(service) or settings.resolved_database_url(common)
