"""No 5xx at any boundary: what a caller sends past the ranges, the sizes and the text we accept gets a clear
4xx naming the field, from every service, and the answer itself stays small and encodable."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from chudong.nats.server import EmbeddedNats
from services.dashboard.main import create_app as create_dashboard
from services.dashboard.settings import DashboardSettings
from services.evaluation.main import create_app as create_evaluation
from services.notifications.main import create_app as create_notifications
from shared.clock import FixedClock
from shared.http.errors import MAX_PROBLEMS
from shared.settings import CommonSettings
from tests.membership_api import SECRET, Membership, admission, membership_service
from tests.planning.conftest import running_planning
from tests.support import token_for, wait_until

Client = httpx.AsyncClient


@dataclass
class Services:
    membership: Membership
    planning: Client
    evaluation: Client
    notifications: Client
    dashboard: Client

    def token(self, role: str = "admin", unit: str = "vn") -> dict[str, str]:
        return token_for(SECRET, role, unit)


@pytest.fixture(scope="module")
async def services(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Services]:
    """Every service in process on one nats-server, each on its own SQLite database; the tree in membership."""
    root = tmp_path_factory.mktemp("boundaries")
    nats = EmbeddedNats(root / "nats").start()
    common = CommonSettings(data_dir=root, nats_url=nats.url, jwt_secret=SECRET)
    clock = FixedClock(datetime(2026, 11, 27, 3, 0, tzinfo=UTC))
    try:
        with pytest.MonkeyPatch.context() as env:
            for name in ("evaluation", "notifications", "dashboard"):
                env.setenv(f"{name.upper()}_DATABASE_URL", f"sqlite+aiosqlite:///{root / name}.db")
            evaluation = create_evaluation(common, clock=clock)
            notifications = create_notifications(common, clock=clock)
            dashboard = create_dashboard(
                common,
                settings=DashboardSettings(evaluation_url="http://ev", notifications_url="http://nt"),
                transport=httpx.ASGITransport(app=evaluation),
            )
        async with (
            membership_service(root, nats.url) as membership,
            running_planning(nats, root, f"sqlite+aiosqlite:///{root / 'planning.db'}") as (planning, plans),
            evaluation.router.lifespan_context(evaluation),
            notifications.router.lifespan_context(notifications),
            dashboard.router.lifespan_context(dashboard),
            Client(transport=httpx.ASGITransport(app=evaluation), base_url="http://ev") as ev,
            Client(transport=httpx.ASGITransport(app=notifications), base_url="http://nt") as nt,
            Client(transport=httpx.ASGITransport(app=dashboard), base_url="http://dash") as dash,
        ):
            for app in (plans, evaluation, dashboard):

                async def knows_the_union(app: Any = app) -> bool:
                    return await app.state.runtime.directory.get("pl-x") is not None

                await wait_until(knows_the_union, timeout=30, what="the org tree copied from membership")
            yield Services(membership, planning, ev, nt, dash)
    finally:
        nats.stop()


def problem_of(answer: httpx.Response) -> dict[str, Any]:
    """The first problem of a refusal, after checking the answer is JSON that UTF-8 could carry."""
    answer.content.decode("utf-8")
    body: dict[str, Any] = answer.json()
    first: dict[str, Any] = body["detail"][0]
    return first


async def test_an_offset_past_the_databases_integers_is_refused_on_every_list_route(
    services: Services,
) -> None:
    admin = services.token()
    lists = [
        (services.membership.client, "/units/pl-x/members"),
        (services.planning, "/units/pl-x/timeline"),
        (services.evaluation, "/units/pl-x/unions"),
        (services.notifications, "/deliveries"),
        (services.notifications, "/inbox"),
    ]
    for client, path in lists:
        refused = await client.get(path, params={"offset": 2**63}, headers=admin)
        assert refused.status_code == 422, f"{path}: {refused.status_code} {refused.text}"
        assert problem_of(refused)["field"] == "offset" and problem_of(refused)["in"] == "query"
        assert "≤ 1000000000" in problem_of(refused)["accepted"]
        answered = await client.get(path, params={"offset": 10**9}, headers=admin)
        assert answered.status_code == 200, f"{path}: {answered.status_code} {answered.text}"


async def test_days_and_years_outside_the_years_evaluated_get_422_from_evaluation_and_the_dashboard(
    services: Services,
) -> None:
    admin = services.token()
    cases: list[tuple[str, dict[str, str | int], str]] = [
        ("/units/pl-x/compliance", {"as_of": "9999-12-31"}, "as_of"),
        ("/units/pl-x/compliance", {"as_of": "0001-01-01"}, "as_of"),
        ("/units/pl-x/explanation", {"known_at": "9999-12-31T23:00:00-05:00"}, "known_at"),
        ("/units/pl-x/unions/as-of", {"as_of": "0001-01-01"}, "as_of"),
        ("/units/pl-x/indicators/C2.2", {"as_of": "9999-12-31"}, "as_of"),
        ("/units/pl-x/trend", {"year": 10000}, "year"),
    ]
    for path, params, field in cases:
        refused = await services.evaluation.get(path, params=params, headers=admin)
        assert refused.status_code == 422, f"{path} {params}: {refused.status_code} {refused.text}"
        assert problem_of(refused)["field"] == field
    for as_of in ("31/12/9999", "01/01/0001", "0001-01-01"):
        page = await services.dashboard.get("/units/pl-x", params={"as_of": as_of}, headers=admin)
        assert page.status_code == 422, f"{as_of}: {page.status_code} {page.text}"
        assert problem_of(page)["field"] == "as_of" and "dd/mm/yyyy" in problem_of(page)["accepted"]
    chart = await services.dashboard.get("/units/pl-x/trend.svg", params={"year": 0}, headers=admin)
    assert chart.status_code == 422 and problem_of(chart)["field"] == "year"


async def test_a_quarter_or_month_outside_the_years_is_refused_naming_it(services: Services) -> None:
    svc = services.membership
    for quarter in ("2026-Q5", "0000-Q1", "9999-Q4"):
        report = {"quarter": quarter, "submitted_on": "2026-10-05"}
        refused = await svc.refuse("/units/pl-x/youth-situation-reports", report, 422, "invalid_request")
        assert refused["detail"][0]["field"] == "quarter"
    report = {"period": "0000-Q4", "submitted_on": "2026-10-05"}
    answer = await services.planning.post(
        "/units/pl-x/periodic-reports", json=report, headers=services.token()
    )
    assert answer.status_code == 422 and problem_of(answer)["field"] == "period", answer.text
    dues = {"month": "0000-01", "amount_vnd": 2000}
    refused = await svc.refuse("/units/pl-x/dues-remittances", dues, 422, "invalid_request")
    assert refused["detail"][0]["field"] == "month"


async def post_raw(client: Client, path: str, text: str, headers: dict[str, str]) -> httpx.Response:
    """A JSON body sent as written: a ``\\ud800`` escape stays a lone surrogate once parsed."""
    return await client.post(
        path, content=text.encode(), headers={**headers, "Content-Type": "application/json"}
    )


async def test_a_lone_surrogate_in_a_name_gets_a_422_whose_answer_encodes(services: Services) -> None:
    svc = services.membership
    before = await svc.head()
    body = json.dumps(admission("m-surrogate"), ensure_ascii=False).replace("Nguyễn Văn An", "An\\ud800")
    refused = await post_raw(svc.client, "/members", body, svc.token())
    assert refused.status_code == 422, refused.text
    detail = problem_of(refused)
    assert detail["field"] == "profile.full_name" and detail["value"] == "An\\ud800"
    key = await post_raw(svc.client, "/units/pl-x/name", '{"name": "Đoàn", "\\udc00": 1}', svc.token())
    assert key.status_code == 422 and problem_of(key)["value"] == "\\udc00", key.text
    agenda = '{"held_on": "2026-10-12", "kind": "periodic", "agenda": "Sinh ho\\ud83d t"}'
    meeting = await post_raw(services.planning, "/branches/pl-x-1/meetings", agenda, services.token())
    assert meeting.status_code == 422 and problem_of(meeting)["field"] == "agenda", meeting.text
    assert await svc.head() == before


async def test_blank_names_and_control_characters_are_refused_at_admission_and_rename(
    services: Services,
) -> None:
    svc = services.membership
    for name in ("   ", "An\x00", "Nguyễn\tVăn An", "An\u202e", "\u3000"):
        refused = await svc.refuse("/members", admission("m-blank", name=name), 422, "invalid_request")
        assert refused["detail"][0]["field"] == "profile.full_name", name
        renamed = await svc.refuse("/units/pl-x/name", {"name": name}, 422, "invalid_request")
        assert renamed["detail"][0]["field"] == "name", name
    agreed = await svc.accept("/units/pl-x/name", {"name": " Đoàn cơ sở xã Phước Hưng "})
    assert agreed["unit_id"] == "pl-x"
    kept = (await svc.client.get("/units/pl-x", headers=svc.token())).json()
    assert kept["name"] == " Đoàn cơ sở xã Phước Hưng ", "text is kept as given, never stripped"
    minutes = {
        "held_on": "2026-10-12",
        "kind": "periodic",
        "present_count": 3,
        "expected_count": 5,
        "agenda": "1. Sinh hoạt\n\t2. Kết nạp",
    }
    held = await services.planning.post("/branches/pl-x-2/meetings", json=minutes, headers=services.token())
    assert held.status_code == 201, "an agenda may have line breaks and tabs: " + held.text


class CountedBody:
    """A request body sent in chunks as the server asks for them, counting what it took."""

    def __init__(self, total: int, chunk: bytes = b" " * 65536, head: bytes = b'{"k0": 0') -> None:
        self.total, self.chunk, self.head = total, chunk, head
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.head
        self.sent = len(self.head)
        while self.sent < self.total:
            yield self.chunk
            self.sent += len(self.chunk)


async def test_a_body_past_the_limit_is_refused_with_413_before_it_is_read(services: Services) -> None:
    svc = services.membership
    limit = svc.app.state.runtime.common.max_body_bytes
    declared = CountedBody(47 * 1024 * 1024)
    headers = {**svc.token(), "Content-Type": "application/json", "Content-Length": str(declared.total)}
    refused = await svc.client.post("/members", content=declared, headers=headers)
    assert refused.status_code == 413, refused.text
    detail = problem_of(refused)
    assert refused.json()["error"] == "body_too_large" and detail["field"] == "body"
    assert str(limit) in detail["accepted"] and detail["value"] == f"{declared.total} bytes"
    assert declared.sent <= len(declared.head), "the declared length alone refuses it: nothing is read"
    chunked = CountedBody(47 * 1024 * 1024)
    streamed = await svc.client.post(
        "/members", content=chunked, headers={**svc.token(), "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413 and problem_of(streamed)["field"] == "body"
    assert chunked.sent <= limit + 2 * len(chunked.chunk), "reading stops at the limit"
    for client, path, kind in [
        (services.planning, "/units/pl-x/activities", "application/json"),
        (services.evaluation, "/units/pl-x/self-assessment", "application/json"),
        (services.notifications, "/subscriptions", "application/json"),
        (services.dashboard, "/units/pl-x/appraisals", "application/x-www-form-urlencoded"),
    ]:
        body = CountedBody(2 * limit, head=b"a=")
        answer = await client.post(path, content=body, headers={**services.token(), "Content-Type": kind})
        assert answer.status_code == 413, f"{path}: {answer.status_code} {answer.text}"
        assert body.sent <= limit + 2 * len(body.chunk)


async def test_a_422_lists_at_most_twenty_problems_and_says_how_many_more(services: Services) -> None:
    svc = services.membership
    unknown = {f"k{i}": "x" * 150 for i in range(5000)}
    refused = await svc.client.post("/members", json=admission("m-keys") | unknown, headers=svc.token())
    assert refused.status_code == 422
    body = refused.json()
    assert len(body["detail"]) == MAX_PROBLEMS and body["more"] == 5000 - MAX_PROBLEMS
    assert "and 4980 more" in body["message"]
    assert len(refused.content) < 20_000, "the answer stays small whatever was sent"
    long_value = await svc.client.post(
        "/members", json=admission("m-long", name="Nguyễn " * 50_000), headers=svc.token()
    )
    detail = problem_of(long_value)
    assert detail["field"] == "profile.full_name" and len(detail["value"]) < 300


async def test_a_body_nested_too_deeply_or_with_an_endless_integer_gets_a_422_naming_the_body(
    services: Services,
) -> None:
    """The JSON parser gives up on these before any model sees them; FastAPI's own answer was a bare 400."""
    nested = '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}"
    endless = '{"held_on": "2026-10-12", "kind": "periodic", "present_count": 1' + "0" * 5000 + "}"
    for client, path, body in (
        (services.membership.client, "/units/pl-x/name", nested),
        (services.planning, "/branches/pl-x-1/meetings", endless),
        (services.evaluation, "/units/pl-x/self-assessment", nested),
        (services.notifications, "/subscriptions", nested),
    ):
        refused = await post_raw(client, path, body, services.token())
        assert refused.status_code == 422, f"{path}: {refused.status_code} {refused.text}"
        assert refused.json()["error"] == "invalid_request"
        assert problem_of(refused)["field"] == "body", refused.text


async def test_an_unknown_route_or_method_is_answered_in_the_same_shape_as_every_refusal(
    services: Services,
) -> None:
    unknown = await services.evaluation.get("/no-such-route", headers=services.token())
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    assert problem_of(unknown)["value"] == "GET /no-such-route"
    wrong = await services.planning.delete("/units/pl-x/activities", headers=services.token())
    assert wrong.status_code == 405 and problem_of(wrong)["field"] == "path"
    assert wrong.headers["allow"], "the methods the route takes, as before"
