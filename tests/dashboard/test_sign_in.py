"""Signing in to the dashboard with an account: the form, the session cookie, CSRF, expiry, sign-out.

Identity, evaluation and the dashboard run in process, fed through JetStream.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyotp
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext

from chudong.nats.server import EmbeddedNats
from services.dashboard.adapters.sessions import SessionStore
from services.dashboard.settings import DashboardSettings
from services.identity.settings import IdentitySettings
from tests.dashboard.sign_in_site import sign_in_apps
from tests.evaluation.conftest import SECRET
from tests.evaluation.history import Tree
from tests.support import token_for, wait_until

PASSWORD, MINE = "mật khẩu quản trị đặt", "mật khẩu của riêng tôi"


@dataclass
class Site:
    browser: httpx.AsyncClient
    identity: httpx.AsyncClient
    dashboard: FastAPI

    async def officer(self, login: str, role: str = "district_officer", unit: str = "bg-pl") -> str:
        admin = token_for(SECRET, "admin", "vn", subject="operator")
        opened = await self.identity.post(
            "/accounts",
            headers=admin,
            json={"unit_id": unit, "login_name": login, "password": PASSWORD, "full_name": "Nguyễn Thị Hằng"},
        )
        assert opened.status_code == 201, opened.text
        account: str = opened.json()["account_id"]
        granted = await self.identity.post(
            "/grants", headers=admin, json={"account_id": account, "role": role, "unit_id": unit}
        )
        assert granted.status_code == 201, granted.text
        return account

    async def form_token(self, path: str = "/login") -> str:
        page = await self.browser.get(path, headers={"Accept": "text/html"})
        return form_token(page.text)

    async def sign_in(self, login: str, **fields: str) -> httpx.Response:
        data = {"login_name": login, "password": MINE, "next": "/units/bg-pl", **fields}
        return await self.browser.post("/login", data={**data, "csrf_token": await self.form_token()})


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, html[:2000]
    return found.group(1)


@pytest.fixture
async def site(
    nats_server: EmbeddedNats, js: JetStreamContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Site]:
    async with sign_in_apps(
        nats_url=nats_server.url,
        js=js,
        tmp_path=tmp_path,
        monkeypatch=monkeypatch,
        identity_settings=IdentitySettings(access_token_seconds=5),
        dashboard_settings=DashboardSettings(
            evaluation_url="http://ev",
            notifications_url="http://nt",
            identity_url="http://id",
            secure_cookies=True,
        ),
        # https: the cookie is Secure, and a client keeps it only for a secure origin
        dashboard_url="https://dash",
        tree=Tree().registrations(),
        known_unit="dcs-1",
    ) as apps:
        yield Site(apps.browser, apps.id_client, apps.dashboard)


def cookie_of(answer: httpx.Response, name: str) -> str:
    return next(h for h in answer.headers.get_list("set-cookie") if h.startswith(f"{name}="))


async def test_the_form_signs_an_officer_in_and_the_page_says_who_where_and_as_what(site: Site) -> None:
    await site.officer("hang.nguyen")
    first = await site.sign_in("hang.nguyen", password=PASSWORD)
    assert first.status_code == 403 and "chọn mật khẩu mới" in first.text  # the admin's password: choose one
    assert 'name="new_password"' in first.text
    signed = await site.sign_in("hang.nguyen", password=PASSWORD, new_password=MINE, new_password_again=MINE)
    assert signed.status_code == 303 and signed.headers["location"] == "/units/bg-pl", signed.text
    cookie = cookie_of(signed, "chudong_session").lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie
    page = await site.browser.get("/units/bg-pl", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    who = re.search(r'<span class="who"[^>]*>([^<]+)</span>', page.text)
    assert who is not None and who.group(1) == "Nguyễn Thị Hằng · Cán bộ Huyện đoàn · Đơn vị bg-pl"
    assert 'action="/logout" class="inline"><input type="hidden" name="csrf_token"' in page.text  # its token

    wrong = await site.sign_in("hang.nguyen", password="không đúng")
    assert wrong.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng" in wrong.text


async def test_a_form_without_its_token_is_refused(site: Site) -> None:
    await site.officer("can.bo")
    no_token = await site.browser.post("/login", data={"login_name": "can.bo", "password": PASSWORD})
    assert no_token.status_code == 403 and no_token.json()["error"] == "csrf_refused"
    await site.sign_in("can.bo", password=PASSWORD, new_password=MINE, new_password_again=MINE)
    page = await site.browser.get("/units/bg-pl", headers={"Accept": "text/html"})
    for forged in ({}, {"csrf_token": "guessed"}):
        refused = await site.browser.post("/logout", data=forged)
        assert refused.status_code == 403 and refused.json()["error"] == "csrf_refused"
    assert (await site.browser.get("/units/bg-pl")).status_code == 200  # still signed in
    out = await site.browser.post("/logout", data={"csrf_token": form_token(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    after = await site.browser.get("/units/bg-pl", headers={"Accept": "text/html"})
    assert after.status_code == 303 and after.headers["location"].startswith("/login")


async def test_the_session_outlives_its_access_token_until_the_grant_is_revoked(site: Site) -> None:
    account = await site.officer("lau.dai")
    await site.sign_in("lau.dai", password=PASSWORD, new_password=MINE, new_password_again=MINE)
    store: SessionStore = site.dashboard.state.sign_in.store
    first_token = (await store.get_all())[0].access_token

    async def refreshed() -> bool:  # the access token lives 5 s; the dashboard renews it as it nears its end
        answer = await site.browser.get("/units/bg-pl")
        assert answer.status_code == 200, answer.text
        return (await store.get_all())[0].access_token != first_token

    await wait_until(refreshed, timeout=20, what="the dashboard to refresh the access token")
    grants = await site.identity.get(
        "/grants", params={"unit_id": "bg-pl"}, headers=token_for(SECRET, "admin", "vn", subject="operator")
    )
    [grant] = [g for g in grants.json()["items"] if g["account_id"] == account]
    await site.identity.post(
        f"/grants/{grant['grant_id']}/revocation", headers=token_for(SECRET, "admin", "vn"), json={}
    )

    async def signed_out() -> bool:  # within one access token's life (5 s here)
        return (await site.browser.get("/units/bg-pl", headers={"Accept": "text/html"})).status_code == 303

    await wait_until(signed_out, timeout=10, what="the revoked grant to end the session")
    page = await site.browser.get("/units/bg-pl", headers={"Accept": "text/html"})
    assert page.headers["location"].startswith("/login")


async def test_signing_out_everywhere_ends_the_other_browsers_session(site: Site) -> None:
    await site.officer("hai.may")
    await site.sign_in("hai.may", password=PASSWORD, new_password=MINE, new_password_again=MINE)
    other = httpx.AsyncClient(transport=httpx.ASGITransport(app=site.dashboard), base_url="https://dash")
    async with other:
        data = {"login_name": "hai.may", "password": MINE, "csrf_token": ""}
        data["csrf_token"] = form_token((await other.get("/login")).text)
        assert (await other.post("/login", data=data)).status_code == 303
        page = await site.browser.get("/units/bg-pl", headers={"Accept": "text/html"})
        assert "/logout/everywhere" in page.text
        ended = await site.browser.post("/logout/everywhere", data={"csrf_token": form_token(page.text)})
        assert ended.status_code == 303
        assert (await other.get("/units/bg-pl", headers={"Accept": "text/html"})).status_code == 303


async def test_an_idle_session_ends(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    await site.officer("it.dung")
    await site.sign_in("it.dung", password=PASSWORD, new_password=MINE, new_password_again=MINE)
    monkeypatch.setattr(site.dashboard.state.settings, "session_idle_minutes", 0.001)

    async def ended() -> bool:
        answer = await site.browser.get("/units/bg-pl", headers={"Accept": "text/html"})
        return answer.status_code == 303

    await wait_until(ended, timeout=5, what="the idle session to end")
    again = await site.browser.get("/units/bg-pl", headers={"Accept": "text/html"})
    assert again.headers["location"].startswith("/login")
    form = await site.browser.get("/login?error=session_ended", headers={"Accept": "text/html"})
    assert "Phiên đăng nhập đã hết" in form.text


async def test_requests_arriving_together_share_one_refresh(site: Site) -> None:
    """A page, its chart and its live feed ask at once; identity would end a session whose refresh token
    is used twice, so one request refreshes and the others take its tokens."""
    await site.officer("cung.luc")
    await site.sign_in("cung.luc", password=PASSWORD, new_password=MINE, new_password_again=MINE)
    for _ in range(3):  # with 5-second tokens, every request is near the token's end
        answers = await asyncio.gather(*(site.browser.get("/units/bg-pl") for _ in range(4)))
        assert [a.status_code for a in answers] == [200] * 4, [a.text[:200] for a in answers]


async def test_an_officer_turns_on_the_second_factor_with_the_qr_code_then_signs_in_with_a_code(
    site: Site,
) -> None:
    await site.officer("hai.lop")
    await site.sign_in("hai.lop", password=PASSWORD, new_password=MINE, new_password_again=MINE)
    page = await site.browser.get("/account", headers={"Accept": "text/html"})
    assert "Bật xác thực hai lớp" in page.text
    shown = await site.browser.post("/account/totp", data={"csrf_token": form_token(page.text)})
    assert shown.status_code == 200 and '<div class="qr" id="totp-qr"><svg' in shown.text
    found = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', shown.text)
    assert found is not None
    totp = pyotp.TOTP(found.group(1))
    confirmed = await site.browser.post(
        "/account/totp/confirm",
        data={"secret": found.group(1), "code": totp.now(), "csrf_token": form_token(shown.text)},
    )
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/account?done=totp"

    site.browser.cookies.clear()
    asked = await site.sign_in("hai.lop")
    assert asked.status_code == 401 and 'name="totp_code"' in asked.text and "mã 6 số" in asked.text
    signed = await site.sign_in("hai.lop", totp_code=totp.at(time.time() + 30))
    assert signed.status_code == 303, signed.text


async def test_an_officer_with_two_roles_chooses_the_one_to_act_in(site: Site) -> None:
    account = await site.officer("hai.vai", role="province_officer", unit="bg")
    admin = token_for(SECRET, "admin", "vn", subject="operator")
    granted = await site.identity.post(
        "/grants", headers=admin, json={"account_id": account, "role": "district_officer", "unit_id": "bg-pl"}
    )
    assert granted.status_code == 201
    signed = await site.sign_in("hai.vai", password=PASSWORD, new_password=MINE, new_password_again=MINE)
    assert signed.status_code == 303
    page = await site.browser.get("/account", headers={"Accept": "text/html"})
    assert page.text.count('action="/account/grant"') == 1  # the role not in use
    chosen = await site.browser.post(
        "/account/grant", data={"grant_id": granted.json()["grant_id"], "csrf_token": form_token(page.text)}
    )
    assert chosen.status_code == 303
    home = await site.browser.get("/", headers={"Accept": "text/html"})
    assert home.headers["location"] == "/units/bg-pl"
