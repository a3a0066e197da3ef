"""A province gives a district officer their district, and takes it back: through ``chudong run``.

The operator makes the province's admin (``chudong accounts open``); that admin, signed in, opens the
district officer's account and grants the district; the officer signs in with a password and every
service holds the officer's token to exactly the district. Revoking the grant ends it: at once for a
refresh, within the access token's life (5 s here) for every service.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

import httpx

from tests.e2e.conftest import RunningSystem, start_system
from tests.support import eventually, unit_body

LIFETIME = 5.0
TREE = [
    ("bg", "vn", "province"),
    ("bg-h01", "bg", "district"),
    ("bg-h02", "bg", "district"),
    ("h01-dcs1", "bg-h01", "grassroots"),
    ("h02-dcs1", "bg-h02", "grassroots"),
]


READS = {
    "membership": "/units/{unit}",
    "planning": "/units/{unit}/plans",
    "evaluation": "/units/{unit}/unions",
    "dashboard": "/units/{unit}",
}


def _signed_in(client: httpx.Client, identity: str, login: str, first: str, mine: str) -> dict[str, Any]:
    answer = client.post(
        f"{identity}/sessions", json={"login_name": login, "password": first, "new_password": mine}
    )
    assert answer.status_code == 201, answer.text
    tokens: dict[str, Any] = answer.json()
    return tokens


def _answers(client: httpx.Client, url: str, headers: dict[str, str]) -> bool:
    return client.get(url, headers=headers).status_code == 200


class Holder:
    """A signed-in officer as an API client: refreshes the access token when half its life is gone."""

    def __init__(self, client: httpx.Client, identity: str, tokens: dict[str, Any]) -> None:
        self.client, self.identity, self.tokens, self.at = client, identity, tokens, time.monotonic()

    def __call__(self) -> dict[str, str]:
        if time.monotonic() - self.at > LIFETIME / 2:
            answer = self.client.post(
                f"{self.identity}/sessions/refresh", json={"refresh_token": self.tokens["refresh_token"]}
            )
            assert answer.status_code == 200, answer.text
            self.tokens, self.at = answer.json(), time.monotonic()
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}


def test_a_district_officer_granted_by_the_province_sees_exactly_the_district(tmp_path: Any) -> None:
    system: RunningSystem = start_system(
        tmp_path / "data", {"IDENTITY_ACCESS_TOKEN_SECONDS": str(int(LIFETIME))}
    )
    try:
        urls = system.urls
        with httpx.Client(timeout=30) as client:
            for unit, parent, level in TREE:
                answer = client.post(
                    f"{urls['membership']}/units",
                    headers=system.token("admin", "vn"),
                    json=unit_body(unit, parent, level),
                )
                assert answer.status_code == 201, answer.text
            admin = system.token("admin", "vn")
            for service, path in {**READS, "identity": "/units/{unit}/accounts"}.items():
                url = urls[service] + path.format(unit="h02-dcs1")
                eventually(partial(_answers, client, url, admin), f"{service} to know the tree")

            made = system.cli(
                "accounts", "open", "--login", "admin.bg", "--unit", "bg", "--name", "Trần Văn Tỉnh",
                "--role", "admin", "--password", "mật khẩu đầu của tỉnh",
            )  # fmt: skip
            assert made.returncode == 0, made.stderr
            province = Holder(
                client,
                urls["identity"],
                _signed_in(
                    client, urls["identity"], "admin.bg", "mật khẩu đầu của tỉnh", "mật khẩu tỉnh đoàn"
                ),
            )
            opened = client.post(
                f"{urls['identity']}/accounts",
                headers=province(),
                json={
                    "unit_id": "bg-h01",
                    "login_name": "hang",
                    "password": "mật khẩu đầu tiên",
                    "full_name": "Nguyễn Thị Hằng",
                },
            )
            assert opened.status_code == 201, opened.text
            granted = client.post(
                f"{urls['identity']}/grants",
                headers=province(),
                json={
                    "account_id": opened.json()["account_id"],
                    "role": "district_officer",
                    "unit_id": "bg-h01",
                },
            )
            assert granted.status_code == 201, granted.text
            officer = Holder(
                client,
                urls["identity"],
                _signed_in(client, urls["identity"], "hang", "mật khẩu đầu tiên", "mật khẩu của Hằng"),
            )

            reads = READS
            for service, path in reads.items():
                mine = client.get(urls[service] + path.format(unit="bg-h01"), headers=officer())
                assert mine.status_code == 200, (service, mine.text)
                theirs = client.get(urls[service] + path.format(unit="bg-h02"), headers=officer())
                assert theirs.status_code == 404, (service, theirs.text)
            eventually(  # notifications' copy of the tree, too
                lambda: (
                    client.post(
                        f"{urls['notifications']}/subscriptions",
                        headers=officer(),
                        json={"unit_id": "bg-h01"},
                    ).status_code
                    == 201
                ),
                "the officer to subscribe to the district",
            )
            elsewhere = client.post(
                f"{urls['notifications']}/subscriptions", headers=officer(), json={"unit_id": "bg-h02"}
            )
            assert elsewhere.status_code == 404
            assert client.get(f"{urls['identity']}/accounts/me", headers=officer()).status_code == 200

            revoked = client.post(
                f"{urls['identity']}/grants/{granted.json()['grant_id']}/revocation",
                headers=province(),
                json={},
            )
            assert revoked.status_code == 200, revoked.text
            ended_at = time.monotonic()
            refused = client.post(
                f"{urls['identity']}/sessions/refresh",
                json={"refresh_token": officer.tokens["refresh_token"]},
            )
            assert refused.status_code == 401
            last = {"Authorization": f"Bearer {officer.tokens['access_token']}"}
            eventually(
                lambda: client.get(f"{urls['membership']}/units/bg-h01", headers=last).status_code == 401,
                "the access token to expire",
                timeout=LIFETIME + 5,
            )
            assert time.monotonic() - ended_at <= LIFETIME + 2
            for service, path in reads.items():
                assert client.get(urls[service] + path.format(unit="bg-h01"), headers=last).status_code == 401
    finally:
        system.stop()
