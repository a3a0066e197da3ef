"""Every planning route holds the caller's token to its scope, and needs a token at all.

A unit or record outside the scope answers exactly as one that does not exist (ADR 0004).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.routing import APIRoute

from services.planning.api import routers
from tests.planning.conftest import Planning

Call = tuple[str, str, str, Any]  # method, route template, concrete path, JSON body (bytes: a file)


async def existing_records(planning: Planning, year: int = 2040) -> dict[str, str]:
    """One record of each kind in unit pl-x, to aim the calls at."""

    async def created(url: str, body: dict[str, Any], key: str) -> str:
        answer = await planning.post(url, body)
        assert answer.status_code == 201, answer.text
        return str(answer.json()[key])

    plan = await planning.client.put(
        f"/units/pl-x/plans/{year}/annual_plan",
        json={"title": "Kế hoạch 2040"},
        headers=planning.token("union_secretary", "pl-x"),
    )
    assert plan.status_code == 201, plan.text
    attachment = await planning.client.post(
        "/units/pl-x/evidence",
        params={"file_name": "qd.pdf"},
        content=b"QD",
        headers=planning.token("union_secretary", "pl-x"),
    )
    return {
        "year": str(year),
        "plan": plan.json()["plan_id"],
        "attachment": attachment.json()["attachment_id"],
        "activity": await created(
            "/units/pl-x/activities", {"title": "A", "scheduled_on": "2026-05-01"}, "activity_id"
        ),
        "project": await created(
            "/units/pl-x/youth-projects",
            {"title": "P", "kind": "task", "registered_on": "2026-05-01", "year": 2026},
            "project_id",
        ),
        "proposal": await created(
            "/units/pl-x/advisory-proposals",
            {"submitted_to": "government", "subject": "S", "submitted_on": "2026-05-01"},
            "proposal_id",
        ),
        "agreement": await created(
            "/units/pl-x/coordination-agreements",
            {"partner": "Hội Nông dân", "signed_on": "2026-05-01"},
            "agreement_id",
        ),
    }


def calls(r: dict[str, str]) -> list[Call]:
    day = "2026-06-01"
    return [
        (
            "PUT",
            "/units/{unit_id}/plans/{year}/{kind}",
            f"/units/pl-x/plans/{r['year']}/annual_plan",
            {"title": "T"},
        ),
        (
            "POST",
            "/plans/{plan_id}/submissions",
            f"/plans/{r['plan']}/submissions",
            {"submitted_to": "upper_level", "submitted_on": day},
        ),
        ("POST", "/plans/{plan_id}/approval", f"/plans/{r['plan']}/approval", {"approved_on": day}),
        (
            "POST",
            "/plans/{plan_id}/return",
            f"/plans/{r['plan']}/return",
            {"returned_on": day, "reasons": ["r"]},
        ),
        (
            "POST",
            "/plans/{plan_id}/party-opinion",
            f"/plans/{r['plan']}/party-opinion",
            {"recorded_on": day, "opinion": "o"},
        ),
        (
            "POST",
            "/units/{unit_id}/model-registrations",
            "/units/pl-x/model-registrations",
            {"year": 2041, "registered_on": day},
        ),
        (
            "POST",
            "/branches/{branch_id}/meetings",
            "/branches/pl-x-1/meetings",
            {"held_on": day, "kind": "periodic"},
        ),
        (
            "POST",
            "/units/{unit_id}/secretary-briefings",
            "/units/pl-x/secretary-briefings",
            {"held_on": day, "attending_branch_ids": ["pl-x-1"]},
        ),
        (
            "POST",
            "/units/{unit_id}/monthly-tasks",
            "/units/pl-x/monthly-tasks",
            {"month": "2026-06", "assigned_on": day, "branch_ids": ["pl-x-1"], "tasks": ["t"]},
        ),
        (
            "POST",
            "/units/{unit_id}/activities",
            "/units/pl-x/activities",
            {"title": "A", "scheduled_on": day},
        ),
        (
            "POST",
            "/activities/{activity_id}/held",
            f"/activities/{r['activity']}/held",
            {"held_on": day, "participants": 1},
        ),
        (
            "POST",
            "/activities/{activity_id}/cancellation",
            f"/activities/{r['activity']}/cancellation",
            {"cancelled_on": day, "reason": "r"},
        ),
        (
            "POST",
            "/units/{unit_id}/youth-projects",
            "/units/pl-x/youth-projects",
            {"title": "P", "kind": "task", "registered_on": day, "year": 2026},
        ),
        (
            "POST",
            "/youth-projects/{project_id}/completion",
            f"/youth-projects/{r['project']}/completion",
            {"completed_on": day},
        ),
        (
            "POST",
            "/units/{unit_id}/periodic-reports",
            "/units/pl-x/periodic-reports",
            {"period": "2026-Q1", "submitted_on": day},
        ),
        (
            "POST",
            "/units/{unit_id}/reviews",
            "/units/pl-x/reviews",
            {"year": 2026, "kind": "mid_year", "held_on": day},
        ),
        (
            "POST",
            "/units/{unit_id}/inspections",
            "/units/pl-x/inspections",
            {"kind": "inspection", "held_on": day},
        ),
        (
            "POST",
            "/units/{unit_id}/good-models",
            "/units/pl-x/good-models",
            {"title": "M", "recognised_on": day},
        ),
        (
            "POST",
            "/units/{unit_id}/advisory-proposals",
            "/units/pl-x/advisory-proposals",
            {"submitted_to": "government", "subject": "S", "submitted_on": day},
        ),
        (
            "POST",
            "/advisory-proposals/{proposal_id}/outcome",
            f"/advisory-proposals/{r['proposal']}/outcome",
            {"outcome": "adopted", "recorded_on": day},
        ),
        (
            "POST",
            "/units/{unit_id}/party-briefings",
            "/units/pl-x/party-briefings",
            {"briefed_on": day, "topic": "t"},
        ),
        (
            "POST",
            "/units/{unit_id}/coordination-agreements",
            "/units/pl-x/coordination-agreements",
            {"partner": "p", "signed_on": day},
        ),
        (
            "POST",
            "/coordination-agreements/{agreement_id}/end",
            f"/coordination-agreements/{r['agreement']}/end",
            {"ended_on": day},
        ),
        (
            "POST",
            "/coordination-agreements/{agreement_id}/joint-activities",
            f"/coordination-agreements/{r['agreement']}/joint-activities",
            {"held_on": day, "title": "J"},
        ),
        (
            "POST",
            "/units/{unit_id}/dialogues",
            "/units/pl-x/dialogues",
            {"held_on": day, "leaders": ["l"], "participants": 1},
        ),
        (
            "POST",
            "/units/{unit_id}/resources",
            "/units/pl-x/resources",
            {"mobilised_on": day, "source": "s", "amount_vnd": 1},
        ),
        ("POST", "/units/{unit_id}/evidence", "/units/pl-x/evidence?file_name=x.pdf", b"file"),
        ("GET", "/evidence/{attachment_id}", f"/evidence/{r['attachment']}", None),
        ("GET", "/evidence/{attachment_id}/content", f"/evidence/{r['attachment']}/content", None),
        ("GET", "/plans/{plan_id}", f"/plans/{r['plan']}", None),
        ("GET", "/units/{unit_id}/plans", "/units/pl-x/plans", None),
        ("GET", "/units/{unit_id}/meetings", "/units/pl-x/meetings?year=2026", None),
        ("GET", "/units/{unit_id}/activities", "/units/pl-x/activities", None),
        ("GET", "/units/{unit_id}/timeline", "/units/pl-x/timeline", None),
    ]


def planning_routes() -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }


async def send(planning: Planning, call: Call, headers: dict[str, str]) -> Any:
    method, _, path, body = call
    if isinstance(body, bytes):
        return await planning.client.request(method, path, content=body, headers=headers)
    return await planning.client.request(method, path, json=body, headers=headers)


async def test_the_scope_table_covers_every_planning_route(planning: Planning) -> None:
    records = dict.fromkeys(
        ["year", "plan", "attachment", "activity", "project", "proposal", "agreement"], "x"
    )
    covered = {(method, template) for method, template, _, _ in calls(records)}
    assert covered == planning_routes()


def ghostly(text: str, records: dict[str, str]) -> str:
    """``text`` about units and records that exist nowhere, in place of those of pl-x (same lengths)."""
    for key in ("plan", "attachment", "activity", "project", "proposal", "agreement"):
        text = text.replace(records[key], records[key][:-4] + "zzzz")
    return text.replace("pl-x", "zz-x")


@pytest.mark.parametrize("role", ["admin", "district_officer"])
async def test_every_route_answers_for_what_is_outside_the_scope_as_for_what_does_not_exist(
    planning: Planning, role: str
) -> None:
    records = await existing_records(planning)
    outsider = planning.token(role, "bg-vy")
    before = await planning.history_length()
    for call in calls(records):
        answer = await send(planning, call, outsider)
        rule = answer.json()["detail"][0]["rule"]
        if role == "admin" or rule != "forbidden_role":
            assert answer.status_code == 404, (call[1], answer.status_code, answer.text)
            assert rule.startswith("unknown_"), (call[1], rule)
        method, template, path, body = call
        ghost_body = (
            body
            if isinstance(body, bytes) or body is None
            else json.loads(ghostly(json.dumps(body), records))
        )
        ghost = await send(planning, (method, template, ghostly(path, records), ghost_body), outsider)
        # Byte for byte the same answer, but for the id it echoes.
        assert ghostly(answer.text, records) == ghostly(ghost.text, records), call[1]
        assert answer.status_code == ghost.status_code, call[1]
    assert await planning.history_length() == before


async def test_every_route_needs_a_token(planning: Planning) -> None:
    records = await existing_records(planning)
    for call in calls(records):
        answer = await send(planning, call, {})
        assert answer.status_code == 401, (call[1], answer.status_code, answer.text)


async def test_every_command_retried_with_its_idempotency_key_gets_the_first_answer_and_writes_nothing(
    planning: Planning,
) -> None:
    first, second = await existing_records(planning, 2042), await existing_records(planning, 2043)
    admin = planning.token("admin", "vn")
    for plan, to in ((second["plan"], "upper_level"), (first["plan"], "party_committee")):
        submitted = await planning.post(
            f"/plans/{plan}/submissions", {"submitted_to": to, "submitted_on": "2026-06-01"}
        )
        assert submitted.status_code == 201, submitted.text
    # The second set takes the commands that close what the first set's commands closed already.
    on_second = {"/plans/{plan_id}/return", "/activities/{activity_id}/cancellation"}
    commands = [c for c in calls(first) if c[0] != "GET" and c[1] not in on_second]
    commands += [c for c in calls(second) if c[1] in on_second]
    for index, call in enumerate(commands):
        headers = {**admin, "Idempotency-Key": f"retry-{index}"}
        answer = await send(planning, call, headers)
        assert answer.status_code == 201, (call[1], answer.text)
        before = await planning.history_length()
        again = await send(planning, call, headers)
        assert (again.status_code, again.json()) == (201, answer.json()), call[1]
        assert again.headers["Idempotent-Replayed"] == "true", call[1]
        assert await planning.history_length() == before, call[1]
