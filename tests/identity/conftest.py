"""Identity in process, its org tree fed through JetStream from a membership store of the test's own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext

from chudong.nats.server import EmbeddedNats
from services.identity.main import create_app
from services.identity.settings import IdentitySettings
from shared.clock import FixedClock
from shared.settings import CommonSettings
from tests.evaluation.history import Tree
from tests.evaluation.sources import Sources
from tests.support import token_for, wait_until

SECRET = "identity-tests-" + "k" * 24
PASSWORD = "mật khẩu đầu tiên"
NEW_PASSWORD = "một mật khẩu mới dài"


class Clock(FixedClock):
    """Now, as the test moves it: sessions and locks age with it; today stays today."""


@dataclass
class World:
    app: FastAPI
    client: httpx.AsyncClient
    clock: Clock
    sources: Sources
    tree: Tree
    other: Tree

    def operator(self, role: str = "admin", unit: str = "vn") -> dict[str, str]:
        """A token minted with the installation's key (the operator's, or a development one)."""
        return token_for(SECRET, role, unit, subject="operator")

    async def open_account(self, unit: str, login: str, by: dict[str, str], **extra: Any) -> str:
        answer = await self.client.post(
            "/accounts",
            headers=by,
            json={
                "unit_id": unit,
                "login_name": login,
                "password": PASSWORD,
                "full_name": f"Cán bộ {login}",
                **extra,
            },
        )
        assert answer.status_code == 201, answer.text
        account_id: str = answer.json()["account_id"]
        return account_id

    async def grant(self, account_id: str, role: str, unit: str, by: dict[str, str]) -> str:
        answer = await self.client.post(
            "/grants", headers=by, json={"account_id": account_id, "role": role, "unit_id": unit}
        )
        assert answer.status_code == 201, answer.text
        grant_id: str = answer.json()["grant_id"]
        return grant_id

    async def sign_in(self, login: str, password: str = NEW_PASSWORD, **extra: Any) -> httpx.Response:
        return await self.client.post("/sessions", json={"login_name": login, "password": password, **extra})

    async def first_sign_in(self, login: str, **extra: Any) -> dict[str, Any]:
        """The first sign-in: the admin's password, and the holder's own chosen at once."""
        answer = await self.sign_in(login, PASSWORD, new_password=NEW_PASSWORD, **extra)
        assert answer.status_code == 201, answer.text
        tokens: dict[str, Any] = answer.json()
        return tokens

    async def officer(self, login: str, role: str, unit: str) -> dict[str, Any]:
        """An account at ``unit`` granted ``role`` there by the operator's province admin, signed in."""
        account = await self.open_account(unit, login, self.operator("admin", "vn"))
        await self.grant(account, role, unit, self.operator("admin", "vn"))
        return await self.first_sign_in(login)


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture
async def world(
    nats_server: EmbeddedNats, js: JetStreamContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[World]:
    monkeypatch.setenv("IDENTITY_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'identity.db'}")
    common = CommonSettings(data_dir=tmp_path, nats_url=nats_server.url, jwt_secret=SECRET)
    clock = Clock(datetime.now(UTC))
    settings = IdentitySettings(access_token_seconds=60, lockout_failures=3, lockout_minutes=10)
    app = create_app(common, settings=settings, clock=clock)
    sources = await Sources(tmp_path, js).start()
    tree, other = Tree(), Tree(district="bg-lg", union="lg-1")
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://identity") as client,
    ):
        await sources.record([*tree.registrations(), *other.registrations()[2:]])

        async def knows_the_tree() -> bool:
            return await app.state.runtime.directory.get("lg-1") is not None

        await wait_until(knows_the_tree, what="identity's copy of the org tree")
        yield World(app, client, clock, sources, tree, other)
    await sources.stop()
