"""Evaluation, identity and the dashboard in one process over real NATS, for the sign-in tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext

from services.dashboard.main import create_app as create_dashboard
from services.dashboard.settings import DashboardSettings
from services.evaluation.main import create_app as create_evaluation
from services.identity.main import create_app as create_identity
from services.identity.settings import IdentitySettings
from shared.clock import FixedClock
from shared.events import NewEvent
from shared.settings import CommonSettings
from tests.evaluation.conftest import SECRET
from tests.evaluation.sources import Sources
from tests.support import wait_until


@dataclass
class Apps:
    identity: FastAPI
    dashboard: FastAPI
    id_client: httpx.AsyncClient
    browser: httpx.AsyncClient


@asynccontextmanager
async def sign_in_apps(
    *,
    nats_url: str,
    js: JetStreamContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    identity_settings: IdentitySettings,
    dashboard_settings: DashboardSettings,
    dashboard_url: str,
    tree: Sequence[NewEvent],
    known_unit: str,
) -> AsyncIterator[Apps]:
    """The three services started on ``tree``, once every one of them knows ``known_unit``."""
    for name in ("evaluation", "dashboard", "identity"):
        monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / name}.db")
    common = CommonSettings(data_dir=tmp_path, nats_url=nats_url, jwt_secret=SECRET)
    evaluation = create_evaluation(common, clock=FixedClock(datetime(2026, 11, 2, 5, 0, tzinfo=UTC)))
    identity = create_identity(common, settings=identity_settings)
    dashboard = create_dashboard(
        common,
        settings=dashboard_settings,
        transport=httpx.ASGITransport(app=evaluation),
        identity_transport=httpx.ASGITransport(app=identity),
    )
    sources = await Sources(tmp_path, js).start()
    async with (
        evaluation.router.lifespan_context(evaluation),
        identity.router.lifespan_context(identity),
        dashboard.router.lifespan_context(dashboard),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=identity), base_url="http://id") as id_client,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=dashboard), base_url=dashboard_url) as browser,
    ):
        await sources.record(list(tree))

        async def everyone_knows_the_tree() -> bool:
            units = [
                await a.state.runtime.directory.get(known_unit) for a in (identity, dashboard, evaluation)
            ]
            return all(units)

        await wait_until(everyone_knows_the_tree, what="the org tree in every service")
        yield Apps(identity, dashboard, id_client, browser)
    await sources.stop()
