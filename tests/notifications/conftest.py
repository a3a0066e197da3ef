"""The notifications service in-process (its real HTTP app, runtime, relay, consumers and dispatcher)
against a real nats-server, a real SMTP server and a real webhook receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext

from chudong.nats.server import EmbeddedNats
from services.notifications.app.dispatcher import Dispatcher
from services.notifications.main import create_app
from services.notifications.settings import NotificationSettings
from shared.clock import Clock
from shared.settings import CommonSettings
from tests.notifications.servers import Mailbox, WebhookReceiver
from tests.notifications.world import SECRET, Service, last_sequence, owning_service, publish_tree
from tests.support import wait_until


@dataclass
class Notifications:
    app: FastAPI
    client: httpx.AsyncClient
    js: JetStreamContext
    evaluation: Service
    planning: Service
    identity: Service

    @property
    def dispatcher(self) -> Dispatcher:
        dispatcher: Dispatcher = self.app.state.dispatcher
        return dispatcher

    async def caught_up(self) -> None:
        """Wait until the service has applied every event relayed so far."""
        runtime = self.app.state.runtime
        for service in ("membership", "evaluation", "planning", "identity"):
            last = await last_sequence(self.js, service)
            for consumer in runtime.consumers:
                if consumer.stream == service.upper():
                    await consumer.wait_for(last)

    async def deliveries(self, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
        answer = await self.client.get("/deliveries", headers=headers, params=params)
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    async def settled(self, headers: dict[str, str], count: int, timeout: float = 20) -> list[dict[str, Any]]:
        """Wait until ``count`` of the officer's deliveries are final (delivered or undelivered)."""
        final: list[dict[str, Any]] = []

        async def done() -> bool:
            nonlocal final
            final = [d for d in await self.deliveries(headers) if d["status"] in ("delivered", "undelivered")]
            return len(final) >= count

        await wait_until(done, timeout)
        return final


Start = Callable[..., AbstractAsyncContextManager[Notifications]]


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    yield box
    box.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def start_notifications(
    nats_server: EmbeddedNats, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, js: JetStreamContext
) -> Start:
    """Start the service with the given settings and clock, the org tree published by membership."""
    monkeypatch.setenv("NOTIFICATIONS_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'notifications.db'}")

    @asynccontextmanager
    async def start(
        clock: Clock | None = None, database_url: str | None = None, **overrides: Any
    ) -> AsyncIterator[Notifications]:
        if database_url is not None:
            monkeypatch.setenv("NOTIFICATIONS_DATABASE_URL", database_url)
        settings = NotificationSettings(
            **{
                "retry_base_seconds": 0.05,
                "retry_cap_seconds": 0.2,
                "dispatch_interval_seconds": 0.05,
                "schedule_interval_seconds": 3600,
                # A fixed clock moves only when a test moves it: a change's messages then leave at once.
                "coalesce_seconds": 0.2 if clock is None else 0.0,
                "smtp_host": "127.0.0.1",
                "public_url": "https://chudong.example.vn",
                **overrides,
            }
        )
        common = CommonSettings(data_dir=tmp_path, nats_url=nats_server.url, jwt_secret=SECRET)
        membership = await owning_service("membership", js, tmp_path)
        evaluation = await owning_service("evaluation", js, tmp_path)
        planning = await owning_service("planning", js, tmp_path)
        identity = await owning_service("identity", js, tmp_path)
        await publish_tree(membership)
        app = create_app(common, clock=clock, settings=settings)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://notifications"
            ) as client,
        ):
            service = Notifications(app, client, js, evaluation, planning, identity)
            await service.caught_up()
            yield service
        for source in (membership, evaluation, planning, identity):
            await source.close()

    return start
