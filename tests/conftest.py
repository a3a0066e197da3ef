"""Fixtures: a real nats-server from the wheel per test, and the store backends (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

import shared.contracts  # noqa: F401  (registers the event types)
from chudong.nats.server import EmbeddedNats
from shared.bus.connection import connect
from shared.bus.keys import deployment_keys, fixed_masters
from shared.bus.streams import ensure_streams
from shared.store import Database, EventStore
from tests.support import create_postgres_database


@pytest.fixture(autouse=True, scope="session")
def fixed_bus_keys() -> Iterator[None]:
    """Services started by a test take the fixed test keys from their settings, as a deployment's would:
    the relays and consumers a test builds with ``fixed_keys`` seal and check with the same keys."""
    with pytest.MonkeyPatch.context() as patch:
        for variable, value in deployment_keys(fixed_masters()).items():
            patch.setenv(variable, value)
        yield


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """A nats-server of our own with JetStream, on a free port: a test may stop or kill it."""
    server = EmbeddedNats(tmp_path / "nats").start()
    yield server
    server.stop()


@pytest.fixture
async def nats_client(nats_server: EmbeddedNats) -> AsyncIterator[Client]:
    client = await connect(nats_server.url, name="tests", connect_timeout=5)
    yield client
    if not client.is_closed:
        await client.close()


@pytest.fixture
async def js(nats_client: Client) -> JetStreamContext:
    context = nats_client.jetstream()
    await ensure_streams(context, duplicate_window=120)
    return context


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each store test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"
        return
    url, drop = await create_postgres_database()
    yield url
    await drop()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    url, drop = await create_postgres_database()
    yield url
    await drop()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def store(db: Database) -> EventStore:
    event_store = EventStore(db, "membership")
    await event_store.initialise()
    return event_store
