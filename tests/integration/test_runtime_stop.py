"""Stopping a service drains its NATS connection at once, consumers' pull subscriptions included."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from chudong.nats.server import EmbeddedNats
from services.notifications.main import create_app
from shared.settings import CommonSettings
from tests.support import wait_until


async def test_stopping_a_service_closes_its_connection_without_waiting_for_the_drain_timeout(
    nats_server: EmbeddedNats, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFICATIONS_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'n.db'}")
    app = create_app(CommonSettings(data_dir=tmp_path, nats_url=nats_server.url, jwt_secret="s" * 32))
    runtime = app.state.runtime
    await runtime.start()
    consumer = runtime.consumers[0]
    await consumer.wait_for(0)
    await wait_until(lambda: consumer._sub is not None, what="the consumer has subscribed")
    nc = runtime.nc
    # A guard against a hang, far below nats-py's 30 s drain timeout; not a measurement.
    async with asyncio.timeout(10):
        await runtime.stop()
    assert nc is not None and nc.is_closed
    assert runtime.consumers == []
