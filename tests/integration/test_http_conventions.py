"""What every command route promises: clear 422s, 401 without a token, 404 outside the token's scope (as
for a unit that does not exist), idempotent retries; and in each refused case nothing is written."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from chudong.nats.server import EmbeddedNats
from tests.membership_api import membership_service
from tests.support import token_for

Client = httpx.AsyncClient


@pytest.fixture
async def membership(nats_server: EmbeddedNats, tmp_path: Path) -> AsyncIterator[tuple[Client, FastAPI]]:
    async with membership_service(tmp_path, nats_server.url) as service:
        yield service.client, service.app


async def history_length(app: FastAPI) -> int:
    position, _ = await app.state.runtime.store.head()
    return int(position)


ADMISSION = {
    "branch_id": "pl-x-1",
    "joined_on": "2026-03-26",
    "admission_decision_ref": "QĐ 12/QĐ-ĐTN",
    "profile": {"full_name": "Nguyễn Văn An", "birth_date": "2008-05-14"},
}


async def test_a_malformed_command_gets_422_naming_the_field_and_what_is_accepted(
    membership: tuple[Client, FastAPI],
) -> None:
    client, app = membership
    before = await history_length(app)
    answer = await client.post(
        "/members",
        headers=token_for("s" * 32, "district_officer", "bg-pl"),
        json={**ADMISSION, "joined_on": "26/03/2026", "branch_id": "Chi Đoàn 1"},
    )
    assert answer.status_code == 422
    details = {d["field"]: d for d in answer.json()["detail"]}
    assert details["joined_on"]["value"] == "26/03/2026"
    assert "YYYY-MM-DD" in details["joined_on"]["accepted"]
    assert details["branch_id"]["value"] == "Chi Đoàn 1" and "pattern" in details["branch_id"]["accepted"]
    assert await history_length(app) == before


async def test_a_command_without_a_token_gets_401_and_writes_nothing(
    membership: tuple[Client, FastAPI],
) -> None:
    client, app = membership
    before = await history_length(app)
    answer = await client.post("/members", json=ADMISSION)
    assert answer.status_code == 401
    assert answer.json()["detail"][0]["field"] == "Authorization"
    forged = await client.post(
        "/members", json=ADMISSION, headers=token_for("another-installation-secret-xxxxxx", "admin", "vn")
    )
    assert forged.status_code == 401
    assert await history_length(app) == before


async def test_a_token_for_another_district_gets_404_and_writes_nothing(
    membership: tuple[Client, FastAPI],
) -> None:
    client, app = membership
    before = await history_length(app)
    other_district = token_for("s" * 32, "district_officer", "bg-vy")
    answer = await client.post("/members", json=ADMISSION, headers=other_district)
    assert answer.status_code == 404
    assert answer.json()["error"] == "unknown_unit" and answer.json()["detail"][0]["field"] == "branch_id"
    assert (await client.get("/units/pl-x", headers=other_district)).status_code == 404
    assert (await client.get("/units/vy-y", headers=other_district)).status_code == 200
    auditor = token_for("s" * 32, "auditor", "vn")
    assert (await client.post("/members", json=ADMISSION, headers=auditor)).status_code == 403
    assert await history_length(app) == before


async def test_a_retried_command_with_the_same_idempotency_key_gives_the_same_answer_and_one_event(
    membership: tuple[Client, FastAPI],
) -> None:
    client, app = membership
    headers = {**token_for("s" * 32, "union_secretary", "pl-x"), "Idempotency-Key": "admit-2026-03-26-a"}
    before = await history_length(app)
    first = await client.post("/members", json=ADMISSION, headers=headers)
    again = await client.post("/members", json=ADMISSION, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert await history_length(app) == before + 1
    reused = await client.post(
        "/members", json={**ADMISSION, "admission_decision_ref": "QĐ 13"}, headers=headers
    )
    assert reused.status_code == 422 and reused.json()["detail"][0]["field"] == "Idempotency-Key"
    assert await history_length(app) == before + 1


async def test_an_idempotency_key_belongs_to_its_caller(membership: tuple[Client, FastAPI]) -> None:
    client, app = membership
    key = {"Idempotency-Key": "admit-1"}
    mine = {**token_for("s" * 32, "union_secretary", "pl-x", subject="secretary-pl-x"), **key}
    theirs = {**token_for("s" * 32, "union_secretary", "vy-y", subject="secretary-vy-y"), **key}
    before = await history_length(app)
    first = await client.post("/members", json=ADMISSION, headers=mine)
    other = await client.post("/members", json={**ADMISSION, "branch_id": "vy-y-1"}, headers=theirs)
    assert first.status_code == other.status_code == 201, other.text
    assert "Idempotent-Replayed" not in other.headers  # neither refused nor told that the key was used
    assert first.json()["member_id"] != other.json()["member_id"]
    assert (await client.post("/members", json=ADMISSION, headers=mine)).json() == first.json()
    assert await history_length(app) == before + 2


async def test_health_and_openapi_are_served(membership: tuple[Client, FastAPI]) -> None:
    client, _ = membership
    health = await client.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    spec = (await client.get("/openapi.json")).json()
    assert "/members" in spec["paths"] and "/healthz" in spec["paths"]


async def test_the_callers_correlation_id_is_echoed_and_carried_by_the_events_it_causes(
    membership: tuple[Client, FastAPI],
) -> None:
    client, app = membership
    answer = await client.post(
        "/members",
        json=ADMISSION,
        headers={**token_for("s" * 32, "union_secretary", "pl-x"), "X-Correlation-ID": "zalo-req-7f3a"},
    )
    assert answer.status_code == 201 and answer.headers["X-Correlation-ID"] == "zalo-req-7f3a"
    member = answer.json()["member_id"]
    (event,) = await app.state.runtime.store.read_stream(f"member-{member}")
    assert event.correlation_id == "zalo-req-7f3a"
    generated = await client.get("/healthz")
    assert len(generated.headers["X-Correlation-ID"]) >= 32
