"""The names a page shows for ids: units from the dashboard's copy of the tree, members from membership's
API with the officer's token (the name if the role may read it, else branch and number)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from chudong.nats.server import EmbeddedNats
from services.dashboard.app.names import NameBook, names
from services.dashboard.app.officer import Officer
from services.dashboard.domain.names import Name
from services.dashboard.main import create_app as create_dashboard
from services.dashboard.settings import DashboardSettings
from shared.auth import decode_token
from shared.i18n import Message
from shared.settings import CommonSettings
from tests.membership_api import SECRET, Membership, admission, membership_service
from tests.support import token_for, wait_until


@dataclass
class World:
    membership: Membership
    dashboard: FastAPI

    async def book(self, role: str, unit: str, *, units: Any = (), members: Any = ()) -> NameBook:
        token = token_for(SECRET, role, unit)["Authorization"].removeprefix("Bearer ")
        officer = Officer(decode_token(token, SECRET), token, "vi")
        request: Any = SimpleNamespace(app=self.dashboard, state=SimpleNamespace())
        return await names(request, officer, units=units, members=members)


def said(name: Name, lang: str = "vi") -> str:
    return name.render(lang) if isinstance(name, Message) else name


async def dashboard_over(tmp_path: Path, nats: EmbeddedNats, membership: FastAPI, url: str) -> FastAPI:
    common = CommonSettings(data_dir=tmp_path / "dashboard", nats_url=nats.url, jwt_secret=SECRET)
    return create_dashboard(
        common,
        settings=DashboardSettings(
            evaluation_url="http://ev", notifications_url="http://nt", membership_url=url
        ),
        transport=httpx.ASGITransport(app=membership),
    )


@pytest.fixture
async def world(
    nats_server: EmbeddedNats, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[World]:
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'dashboard.db'}")
    async with membership_service(tmp_path, nats_server.url) as membership:
        await membership.accept("/members", admission("nm-a", joined="2025-02-01", name="Lê Văn An"))
        await membership.accept("/members", admission("nm-b", joined="2025-03-01", name="Trần Thị Bích"))
        await membership.accept("/members", admission("nm-far", "vy-y-1", name="Ngô Thị Xa"))
        dashboard = await dashboard_over(tmp_path, nats_server, membership.app, "http://ms")
        async with dashboard.router.lifespan_context(dashboard):

            async def knows_the_tree() -> bool:
                return await dashboard.state.runtime.directory.get("vy-y-1") is not None

            await wait_until(knows_the_tree, what="the dashboard's copy of the tree")
            yield World(membership, dashboard)


async def test_an_officer_who_may_read_names_sees_them_and_units_by_name(world: World) -> None:
    book = await world.book(
        "district_officer", "bg-pl", units=["pl-x-1", "vy-y-1", "nowhere"], members=["nm-a", "nm-b", "nm-far"]
    )
    assert (book.member("nm-a"), book.member("nm-b")) == ("Lê Văn An", "Trần Thị Bích")
    assert book.unit("pl-x-1") == "Đơn vị pl-x-1"
    # Another district's member and branch: nothing the token may not see.
    assert said(book.member("nm-far")) == "một đoàn viên" and said(book.member("nm-far"), "en") == "a member"
    assert book.unit("vy-y-1") == "vy-y-1" and book.unit("nowhere") == "nowhere"


async def test_a_role_that_may_not_read_names_sees_a_pseudonym_by_branch_and_number(world: World) -> None:
    book = await world.book("auditor", "bg", members=["nm-a", "nm-b"])
    assert said(book.member("nm-b")) == "Đoàn viên #2 của Đơn vị pl-x-1"
    assert said(book.member("nm-a"), "en") == "Member #1 of Đơn vị pl-x-1"


async def test_each_id_is_asked_once_per_request_and_a_silent_membership_leaves_a_member(
    world: World, nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    asked: list[str] = []
    calls = world.dashboard.state.upstream.call

    async def counting(method: str, url: str, token: str, **kwargs: Any) -> Any:
        asked.append(url)
        return await calls(method, url, token, **kwargs)

    world.dashboard.state.upstream.call = counting
    token = token_for(SECRET, "district_officer", "bg-pl")["Authorization"].removeprefix("Bearer ")
    officer = Officer(decode_token(token, SECRET), token, "vi")
    request: Any = SimpleNamespace(app=world.dashboard, state=SimpleNamespace())
    await names(request, officer, members=["nm-a"])
    again = await names(request, officer, members=["nm-a", "nm-b"])
    assert again.member("nm-b") == "Trần Thị Bích"
    assert [u.split("?")[0] for u in asked] == ["http://ms/units/bg-pl/member-names"] * 2

    upstream = world.dashboard.state.upstream
    upstream.membership, in_process = "http://127.0.0.1:9", upstream.client  # nothing listens there
    async with httpx.AsyncClient() as upstream.client:
        alone: Any = SimpleNamespace(app=world.dashboard, state=SimpleNamespace())
        silent = await names(alone, officer, members=["nm-a"])
    upstream.client = in_process
    assert said(silent.member("nm-a")) == "một đoàn viên"
