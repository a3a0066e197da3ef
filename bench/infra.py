"""What a benchmark runs against: its own nats-server, SQLite files and PostgreSQL databases."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from nats.js import JetStreamContext
from sqlalchemy.engine import make_url

from chudong.nats.server import EmbeddedNats
from shared.bus.connection import connect
from shared.bus.streams import ensure_streams

POSTGRES = os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


@asynccontextmanager
async def nats() -> AsyncIterator[tuple[str, JetStreamContext]]:
    with tempfile.TemporaryDirectory(prefix="chudong-bench-nats-") as data:
        server = EmbeddedNats(Path(data)).start()
        client = await connect(server.url, name="bench")
        try:
            js = client.jetstream(publish_async_max_pending=4000)
            await ensure_streams(js, duplicate_window=120)
            yield server.url, js
        finally:
            await client.close()
            server.stop()


@asynccontextmanager
async def sqlite_url() -> AsyncIterator[str]:
    with tempfile.TemporaryDirectory(prefix="chudong-bench-") as data:
        yield f"sqlite+aiosqlite:///{Path(data) / 'bench.db'}"


@asynccontextmanager
async def postgres_url() -> AsyncIterator[str | None]:
    """A fresh PostgreSQL database, or None when no server answers."""
    admin = make_url(POSTGRES)
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"chudong_bench_{uuid.uuid4().hex[:10]}"
    try:
        conn = await asyncpg.connect(dsn, timeout=5)
    except (OSError, asyncpg.PostgresError):
        yield None
        return
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        conn = await asyncpg.connect(dsn, timeout=5)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
