"""Where an audit reads the history: a running system, or a stopped one's data directory (or a copy).

- **Online**: with ``NATS_URL`` set, or a ``chudong run`` running on the data directory, the JetStream
  copies are read from that NATS, as the CLI's admin user (:func:`chudong.context.nats_credentials`).
- **Offline**: otherwise the data directory's own JetStream store is read through a private nats-server
  on a copy of it (:mod:`chudong.audit.private_nats`), and its SQLite databases through copies too: an
  audit changes no byte of what it audits, and needs nothing started by hand.

Each service's database is ``<SERVICE>_DATABASE_URL``, else the one ``chudong run --postgres`` recorded
for the data directory, else ``<data dir>/<service>.db``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from nats.aio.client import Client
from nats.js import JetStreamContext

from chudong.audit.private_nats import NoStoreError, private_nats, remove
from chudong.context import CLI_CONNECT_TIMEOUT, nats_credentials, read_running, service_database_url
from chudong.nats.credentials import users_file
from chudong.nats.server import NatsServerError
from shared.bus.connection import NatsAuthorizationError, connect, public_url
from shared.bus.subjects import EVENT_SERVICES
from shared.i18n import Message, _
from shared.retry import Backoff
from shared.settings import CommonSettings
from shared.store import Database


@dataclass(slots=True)
class HistorySource:
    """The history's copies an audit reads, and why any of them could not be reached."""

    mode: str  # "online" or "offline"
    data_dir: Path
    nats: str = ""  # the NATS read (a URL online; the store copied offline)
    nats_version: str = ""
    js: JetStreamContext | None = None
    nats_problem: Message | None = None
    databases: dict[str, Database] = field(default_factory=dict)
    database_urls: dict[str, str] = field(default_factory=dict)  # as shown: no password
    missing_databases: dict[str, Message] = field(default_factory=dict)

    def describe(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "data_dir": str(self.data_dir.resolve()),
            "nats": self.nats,
            "nats_server_version": self.nats_version,
            "databases": dict(self.database_urls),
        }


def database_url(common: CommonSettings, service: str) -> str | None:
    """Where ``service``'s history is kept (None: a SQLite file that does not exist: nowhere)."""
    url = service_database_url(common, service)
    prefix = "sqlite+aiosqlite:///"
    return None if url.startswith(prefix) and not Path(url.removeprefix(prefix)).exists() else url


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _sqlite_copy(url: str, work: Path) -> str:
    """A copy of a SQLite database (with its write-ahead log) under ``work``; other URLs as they are."""
    prefix = "sqlite+aiosqlite:///"
    if not url.startswith(prefix):
        return url
    original = Path(url.removeprefix(prefix))
    copy = work / "databases" / original.name
    copy.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        if Path(f"{original}{suffix}").exists():
            shutil.copyfile(f"{original}{suffix}", f"{copy}{suffix}")
    return f"{prefix}{copy}"


def is_online(common: CommonSettings) -> bool:
    return bool(common.nats_url) or read_running(common) is not None


async def _connect(url: str, common: CommonSettings, name: str) -> Client:
    user, password = nats_credentials(common)
    return await connect(url, name=name, user=user, password=password, connect_timeout=CLI_CONNECT_TIMEOUT)


@asynccontextmanager
async def open_history(
    common: CommonSettings, *, jetstream: bool = True, name: str = "chudong-audit"
) -> AsyncIterator[HistorySource]:
    """The history of ``common``'s data directory, online or offline (see the module's description)."""
    online = is_online(common)
    source = HistorySource("online" if online else "offline", common.data_dir)
    async with AsyncExitStack() as stack:
        work: Path | None = None
        if not online:
            work = Path(tempfile.mkdtemp(prefix="chudong-audit-"))
            stack.callback(remove, work)
        if jetstream:
            await _open_nats(source, common, stack, work, name)
        for service in EVENT_SERVICES:
            url = database_url(common, service)
            if url is None:
                variable, file = service.upper() + "_DATABASE_URL", service + ".db"
                source.missing_databases[service] = _(
                    "no database: set {variable}, or give the data directory that holds {file}",
                    variable=variable,
                    file=file,
                )
                continue
            source.database_urls[service] = _shown(url)
            db = Database(_sqlite_copy(url, work) if work is not None else url)
            stack.push_async_callback(db.dispose)
            source.databases[service] = db
        yield source


async def _open_nats(
    source: HistorySource, common: CommonSettings, stack: AsyncExitStack, work: Path | None, name: str
) -> None:
    try:
        if work is None:
            url = common.nats_url or _running_nats(common)
            source.nats = public_url(url)
            nc = await _connect(url, common, name)
        else:
            private = stack.enter_context(private_nats(common.data_dir, work))
            source.nats = str(private.store.resolve())
            nc = await connect(
                private.url,
                name=name,
                user=private.user,
                password=private.password,
                connect_timeout=CLI_CONNECT_TIMEOUT,
            )
            stack.push_async_callback(nc.close)
            await wait_for_leaders(nc.jetstream())
            source.js, source.nats_version = nc.jetstream(), _version(nc)
            return
    except NatsAuthorizationError as exc:
        passwords = str(users_file(common.data_dir))
        source.nats_problem = _(
            "NATS refused the CLI: {error}. It connects as CHUDONG_NATS_USER (password "
            "CHUDONG_NATS_PASSWORD), else, without NATS_URL, as the admin of the chudong run whose "
            "passwords are in {passwords}",
            error=str(exc),
            passwords=passwords,
        )
        return
    except NoStoreError:
        source.nats_problem = _(
            "no JetStream store in {data_dir} (nats/ or nats-cluster/), and no running system",
            data_dir=str(common.data_dir),
        )
        return
    except NatsServerError as exc:
        source.nats_problem = _(
            "the private nats-server did not start: {error}", error=str(exc).splitlines()[0]
        )
        return
    except (OSError, TimeoutError) as exc:
        source.nats_problem = _("NATS did not answer: {error}", error=str(exc) or exc.__class__.__name__)
        return
    stack.push_async_callback(nc.close)
    source.js, source.nats_version = nc.jetstream(), _version(nc)


def _version(nc: Client) -> str:
    v = nc.connected_server_version
    return f"{v.major}.{v.minor}.{v.patch}"


def _running_nats(common: CommonSettings) -> str:
    info = read_running(common)
    if info is None:
        raise OSError("the chudong run of this data directory has stopped")
    return info.nats_url


async def wait_for_leaders(js: JetStreamContext, timeout: float = 30.0) -> None:
    """Until every stream answers: a private cluster's replicated streams first elect their leaders."""
    waiting = Backoff(0.2, 1.0, retry_for=timeout)
    while True:
        try:
            for info in await js.streams_info():
                await js.stream_info(info.config.name or "")
            return
        except Exception:
            if waiting.expired():
                raise
            await waiting.wait()
