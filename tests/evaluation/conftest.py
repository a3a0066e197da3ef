"""Fixtures for evaluation: the service itself against a real nats-server, and upstream histories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext
from sqlalchemy import func, select

from chudong.nats.server import EmbeddedNats
from services.evaluation.adapters.tables import dirty_units
from services.evaluation.main import create_app
from shared.bus.subjects import stream_name
from shared.clock import FixedClock
from shared.events import Envelope
from shared.settings import CommonSettings
from tests.evaluation.from_membership import FromMembership
from tests.evaluation.sources import Sources
from tests.membership_api import TODAY, membership_service
from tests.support import token_for, wait_until

SECRET = "s" * 32


@dataclass
class Evaluation:
    app: FastAPI
    client: httpx.AsyncClient
    sources: Sources
    js: JetStreamContext
    clock: FixedClock

    def token(self, role: str = "admin", unit: str = "vn") -> dict[str, str]:
        return token_for(SECRET, role, unit)

    async def emitted(self) -> list[Envelope]:
        """What evaluation has recorded in its own history."""
        return await self.app.state.runtime.store.read_all(0, 100_000)  # type: ignore[no-any-return]

    async def settled(self) -> None:
        """Wait until every upstream event is applied and every changed union evaluated."""
        runtime = self.app.state.runtime
        heads = await self.sources.positions()
        for service in ("membership", "planning"):
            # First every recorded event relayed (one stream message per position), then applied.
            async def relayed(service: str = service) -> bool:
                info = await self.js.stream_info(stream_name(service))
                return int(info.state.last_seq) >= heads[service]

            await wait_until(relayed, what=f"{service} relayed")
            last = heads[service]

            async def caught_up(service: str = service, last: int = last) -> bool:
                consumer = runtime.consumer(f"evaluation_evaluation_facts_{stream_name(service)}")
                return consumer is not None and consumer.checkpoint >= last

            await wait_until(caught_up, what=f"{service} applied")

        async def evaluated() -> bool:
            async with runtime.db.read() as conn:
                dirty = (await conn.execute(select(func.count()).select_from(dirty_units))).scalar_one()
            return int(dirty) == 0 and not self.app.state.evaluator.lock.locked()

        self.app.state.evaluator.wake.set()
        await wait_until(evaluated, what="unions evaluated")


@pytest.fixture
async def evaluation(
    nats_server: EmbeddedNats,
    js: JetStreamContext,
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Evaluation]:
    """The evaluation service on SQLite and on PostgreSQL (its own database; upstream stores on SQLite)."""
    clock = FixedClock(datetime(2026, 10, 26, 5, 0, tzinfo=UTC))
    sources = await Sources(tmp_path, js).start()
    async with evaluation_service(monkeypatch, tmp_path, nats_server.url, database_url, clock) as (app, c):
        yield Evaluation(app, c, sources, js, clock)
    await sources.stop()


@pytest.fixture
async def from_membership(
    nats_server: EmbeddedNats,
    js: JetStreamContext,
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[FromMembership]:
    """A membership service (its clock on ``tests.membership_api.TODAY``) and the evaluation service
    following its stream, on SQLite and on PostgreSQL."""
    async with (
        membership_service(tmp_path, nats_server.url) as membership,
        evaluation_service(monkeypatch, tmp_path, nats_server.url, database_url, FixedClock(TODAY)) as (
            app,
            client,
        ),
    ):
        yield FromMembership(membership, app, client, js)


@asynccontextmanager
async def evaluation_service(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, nats_url: str, database_url: str, clock: FixedClock
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The evaluation app, started, with a client for its HTTP API."""
    monkeypatch.setenv("EVALUATION_DATABASE_URL", database_url)
    monkeypatch.setenv("EVALUATION_CONSUMER_BATCH_SIZE", "100")
    app = create_app(CommonSettings(data_dir=data_dir, nats_url=nats_url, jwt_secret=SECRET), clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://ev") as client,
    ):
        yield app, client
