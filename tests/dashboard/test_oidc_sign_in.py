"""Signing in through a province's OpenID provider, end to end: a real provider (``oidc-provider`` run
with Node.js), identity verifying its ID token by its JWKS and mapping the claims to grants, and the
dashboard opening the session."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import httpx
import pytest
from nats.js import JetStreamContext

from chudong.nats.server import EmbeddedNats
from services.dashboard.settings import DashboardSettings
from services.identity.settings import IdentitySettings
from tests.dashboard.sign_in_site import sign_in_apps
from tests.evaluation.conftest import SECRET
from tests.evaluation.history import Tree
from tests.identity.provider import CLIENT_ID, CLIENT_SECRET, openid_provider
from tests.support import token_for

DASHBOARD = "http://dash"
CALLBACK = f"{DASHBOARD}/login/oidc/callback"
HANG = {
    "name": "Nguyễn Thị Hằng",
    "email": "hang@bacgiang.example",
    "chudong_roles": ["district_officer@bg-pl"],
}


@dataclass
class Province:
    browser: httpx.AsyncClient
    identity: httpx.AsyncClient
    accounts_file: Path

    def claims(self, login: str, claims: dict[str, Any]) -> None:
        config = json.loads(self.accounts_file.read_text())
        config["accounts"][login] = claims
        self.accounts_file.write_text(json.dumps(config))


@pytest.fixture
async def province(
    nats_server: EmbeddedNats, js: JetStreamContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Province]:
    with openid_provider(tmp_path, CALLBACK, {"hang": HANG}) as issuer:
        providers = tmp_path / "providers.yaml"
        providers.write_text(
            f"""
providers:
  - name: bg
    title: Tỉnh đoàn Bắc Giang
    issuer: {issuer}
    client_id: {CLIENT_ID}
    client_secret_env: TEST_OIDC_SECRET
    scopes: [openid, profile, email, chudong]
    account_unit: bg
    within: bg
    grants:
      - claim: chudong_roles
        pattern: "{{role}}@{{unit}}"
""",
            encoding="utf-8",
        )
        monkeypatch.setenv("TEST_OIDC_SECRET", CLIENT_SECRET)
        async with sign_in_apps(
            nats_url=nats_server.url,
            js=js,
            tmp_path=tmp_path,
            monkeypatch=monkeypatch,
            identity_settings=IdentitySettings(oidc_config=providers),
            dashboard_settings=DashboardSettings(
                evaluation_url="http://ev",
                notifications_url="http://nt",
                identity_url="http://id",
                public_url=DASHBOARD,
            ),
            dashboard_url=DASHBOARD,
            tree=[*Tree().registrations(), *Tree(district="bg-lg", union="lg-1").registrations()[2:]],
            known_unit="lg-1",
        ) as apps:
            yield Province(apps.browser, apps.id_client, tmp_path / "provider.json")


async def at_the_provider(url: str, login: str) -> str:
    """Sign in on the provider's own page (its development login form) and return where it sends back."""
    async with httpx.AsyncClient(timeout=20) as provider:
        for _ in range(10):
            if url.startswith(DASHBOARD):
                return url
            answer = await provider.get(url)
            if answer.status_code in (302, 303):
                url = urljoin(url, answer.headers["location"])
                continue
            form = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', answer.text)
            assert form is not None, answer.text[:1000]
            fields = dict(
                re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', answer.text)
            )
            posted = await provider.post(
                urljoin(url, form.group(1)), data={**fields, "login": login, "password": "x"}
            )
            assert posted.status_code in (302, 303), posted.text[:1000]
            url = urljoin(url, posted.headers["location"])
    raise AssertionError(f"the provider did not send the browser back: {url}")


async def sign_in_through_the_provider(province: Province, login: str) -> httpx.Response:
    start = await province.browser.get("/login/oidc/bg", params={"next": "/units/bg-pl"})
    assert start.status_code == 303, start.text
    query = parse_qs(urlparse(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["redirect_uri"] == [CALLBACK]
    back = await at_the_provider(start.headers["location"], login)
    return await province.browser.get(back.removeprefix(DASHBOARD))


async def test_an_officer_signs_in_through_the_provinces_provider_and_sees_their_district(
    province: Province,
) -> None:
    form = await province.browser.get("/login")
    assert "Đăng nhập qua Tỉnh đoàn Bắc Giang" in form.text
    province.claims("hang", {**HANG, "chudong_roles": ["district_officer@bg-pl", "admin@bg", "auditor@vn"]})
    back = await sign_in_through_the_provider(province, "hang")
    assert back.status_code == 200 and 'content="0;url=/units/bg-pl"' in back.text, back.text
    page = await province.browser.get("/units/bg-pl", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    who = re.search(r'<span class="who"[^>]*>([^<]+)</span>', page.text)
    assert who is not None and who.group(1) == "Nguyễn Thị Hằng · Cán bộ Huyện đoàn · Đơn vị bg-pl"

    # Recorded as events, visible to auditors: only what the provider may grant (no admin, nothing above bg).
    auditor = token_for(SECRET, "auditor", "vn")
    grants = (await province.identity.get("/grants", params={"unit_id": "vn"}, headers=auditor)).json()[
        "items"
    ]
    assert [(g["role"], g["unit_id"], g["source"], g["revoked_at"]) for g in grants] == [
        ("district_officer", "bg-pl", "oidc:bg", None)
    ]

    # The province takes the district away in its provider: the next sign-in revokes the grant.
    province.claims("hang", {**HANG, "chudong_roles": ["district_officer@bg-lg"]})
    other = httpx.AsyncClient(transport=province.browser._transport, base_url=DASHBOARD)
    province.browser = other
    async with other:
        await sign_in_through_the_provider(province, "hang")
        page = await other.get("/", headers={"Accept": "text/html"})
        assert page.headers["location"] == "/units/bg-lg"
    grants = (await province.identity.get("/grants", params={"unit_id": "vn"}, headers=auditor)).json()[
        "items"
    ]
    assert {(g["unit_id"], g["revoked_at"] is not None) for g in grants} == {
        ("bg-pl", True),
        ("bg-lg", False),
    }


async def test_a_code_is_accepted_only_with_its_own_nonce_and_verifier(province: Province) -> None:
    found = (await province.identity.post("/oidc/bg/authorization", json={"redirect_uri": CALLBACK})).json()
    back = await at_the_provider(found["url"], "hang")
    code = parse_qs(urlparse(back).query)["code"][0]
    wrong_nonce = await province.identity.post(
        "/oidc/bg/sessions",
        json={
            "code": code,
            "code_verifier": found["code_verifier"],
            "redirect_uri": CALLBACK,
            "nonce": "another",
        },
    )
    assert wrong_nonce.status_code == 401 and wrong_nonce.json()["error"] == "provider_refused"
    assert "nonce" in wrong_nonce.json()["message"]
    again = await province.identity.post("/oidc/bg/authorization", json={"redirect_uri": CALLBACK})
    back = await at_the_provider(again.json()["url"], "hang")
    code = parse_qs(urlparse(back).query)["code"][0]
    wrong_verifier = await province.identity.post(
        "/oidc/bg/sessions",
        json={
            "code": code,
            "code_verifier": "v" * 64,
            "redirect_uri": CALLBACK,
            "nonce": again.json()["nonce"],
        },
    )
    assert wrong_verifier.status_code == 401 and wrong_verifier.json()["error"] == "provider_refused"
