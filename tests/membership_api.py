"""Driving a membership service in-process over HTTP: its tree, tokens, and the accept/refuse checks."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from services.membership.main import create_app
from shared.clock import FixedClock
from shared.settings import CommonSettings
from tests.support import token_for, unit_body

SECRET = "s" * 32
TODAY = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)

# Bắc Giang with two districts, each with a grassroots union and branches.
TREE = [
    ("bg", "vn", "province"),
    ("bg-pl", "bg", "district"),
    ("bg-vy", "bg", "district"),
    ("pl-x", "bg-pl", "grassroots"),
    ("pl-x-1", "pl-x", "branch"),
    ("pl-x-2", "pl-x", "branch"),
    ("pl-x-lc", "pl-x", "inter_branch"),
    ("pl-x-lc-1", "pl-x-lc", "branch"),
    ("vy-y", "bg-vy", "grassroots"),
    ("vy-y-1", "vy-y", "branch"),
]


def profile(name: str = "Nguyễn Văn An", born: str = "2000-05-10", **extra: Any) -> dict[str, Any]:
    return {"full_name": name, "birth_date": born, **extra}


def admission(
    member_id: str, branch: str = "pl-x-1", joined: str = "2025-01-15", **profile_fields: Any
) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "branch_id": branch,
        "joined_on": joined,
        "admission_decision_ref": f"QĐ {member_id}/QĐ-ĐTN",
        "profile": profile(**profile_fields),
    }


@dataclass
class Membership:
    client: httpx.AsyncClient
    app: FastAPI
    keys: int = 0

    def token(self, role: str = "admin", unit: str = "vn") -> dict[str, str]:
        return token_for(SECRET, role, unit)

    async def head(self) -> int:
        position, _ = await self.app.state.runtime.store.head()
        return int(position)

    async def accept(
        self,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        method: str = "POST",
    ) -> dict[str, Any]:
        """The command succeeds with one event; retried under its Idempotency-Key it answers the same, writing nothing."""
        self.keys += 1
        sent = {**(headers or self.token()), "Idempotency-Key": f"k-{self.keys}-{path}"}
        before = await self.head()
        first = await self.client.request(method, path, json=body, headers=sent)
        assert first.status_code == 201, f"{path}: {first.status_code} {first.text}"
        assert await self.head() == before + 1, f"{path} should write exactly one event"
        again = await self.client.request(method, path, json=body, headers=sent)
        assert again.status_code == 201 and again.json() == first.json(), again.text
        assert again.headers.get("Idempotent-Replayed") == "true"
        assert await self.head() == before + 1, f"a retry of {path} wrote again"
        answer: dict[str, Any] = first.json()
        return answer

    async def refuse(
        self,
        path: str,
        body: dict[str, Any] | None,
        status: int,
        rule: str,
        *,
        headers: dict[str, str] | None = None,
        method: str = "POST",
    ) -> dict[str, Any]:
        """The command is refused with ``status`` naming ``rule``, and nothing is written."""
        before = await self.head()
        answer = await self.client.request(method, path, json=body, headers=headers or self.token())
        assert answer.status_code == status, f"{path}: {answer.status_code} {answer.text}"
        assert answer.json()["error"] == rule, answer.text
        detail = answer.json()["detail"][0]
        assert "field" in detail and "value" in detail, detail
        assert await self.head() == before
        result: dict[str, Any] = answer.json()
        return result


@asynccontextmanager
async def membership_service(
    data_dir: Path, nats_url: str, database_url: str | None = None
) -> AsyncIterator[Membership]:
    """A membership service with the tree above, its clock set to 27 November 2026."""
    previous = os.environ.get("MEMBERSHIP_DATABASE_URL")
    os.environ["MEMBERSHIP_DATABASE_URL"] = (
        database_url or f"sqlite+aiosqlite:///{data_dir / 'membership.db'}"
    )
    try:
        app = create_app(CommonSettings(data_dir=data_dir, nats_url=nats_url, jwt_secret=SECRET))
    finally:
        if previous is None:
            del os.environ["MEMBERSHIP_DATABASE_URL"]
        else:
            os.environ["MEMBERSHIP_DATABASE_URL"] = previous
    app.state.membership.clock = FixedClock(TODAY)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://membership") as client,
    ):
        service = Membership(client, app)
        for unit, parent, level in TREE:
            answer = await client.post("/units", headers=service.token(), json=unit_body(unit, parent, level))
            assert answer.status_code == 201, answer.text
        yield service
