"""Plans: drafted → submitted → approved or returned → revised → submitted; never skipped or reversed."""

from __future__ import annotations

from typing import Any

from tests.planning.conftest import Planning, errors_of

DRAFT = {
    "title": "Kế hoạch công tác Đoàn năm 2026",
    "targets": [
        {
            "criterion": 2,
            "indicator_id": "C2.2",
            "description": "every branch meets monthly",
            "quantity": 100,
            "unit": "%",
        }
    ],
}


async def draft(planning: Planning, year: int, kind: str = "annual_plan") -> str:
    answer = await planning.client.put(
        f"/units/pl-x/plans/{year}/{kind}", json=DRAFT, headers=planning.token("union_secretary", "pl-x")
    )
    assert answer.status_code == 201, answer.text
    plan_id: str = answer.json()["plan_id"]
    return plan_id


async def submit(planning: Planning, plan_id: str, to: str = "upper_level", on: str = "2026-01-10") -> int:
    answer = await planning.post(f"/plans/{plan_id}/submissions", {"submitted_to": to, "submitted_on": on})
    return answer.status_code


async def approve(planning: Planning, plan_id: str, on: str = "2026-01-15") -> tuple[int, Any]:
    answer = await planning.post(
        f"/plans/{plan_id}/approval", {"approved_on": on}, role="district_officer", unit="bg-pl"
    )
    return answer.status_code, answer.json()


async def test_a_plan_drafted_submitted_and_approved_shows_its_status_and_targets(planning: Planning) -> None:
    plan_id = await draft(planning, 2026)
    assert plan_id == "pl-x.2026.annual_plan"
    assert await submit(planning, plan_id) == 201
    status, body = await approve(planning, plan_id)
    assert status == 201, body
    assert [e["type"] for e in body["events"]] == ["PlanApproved"]
    view = (await planning.get(f"/plans/{plan_id}")).json()
    assert view["status"] == "approved" and view["approved_by_unit_id"] == "bg-pl"
    assert view["approved_on"] == "2026-01-15" and view["targets"][0]["indicator_id"] == "C2.2"
    listed = (await planning.get("/units/pl-x/plans?year=2026", role="district_officer", unit="bg-pl")).json()
    assert [p["status"] for p in listed["plans"]] == ["approved"]


async def test_approving_a_plan_never_submitted_is_refused_and_writes_nothing(planning: Planning) -> None:
    plan_id = await draft(planning, 2027)
    before = await planning.history_length()
    status, body = await approve(planning, plan_id)
    assert status == 409
    assert body["detail"][0]["rule"] == "plan_not_submitted" and body["detail"][0]["value"] == plan_id
    assert await planning.history_length() == before


async def test_a_second_approval_is_refused(planning: Planning) -> None:
    plan_id = await draft(planning, 2028)
    assert await submit(planning, plan_id) == 201
    assert (await approve(planning, plan_id))[0] == 201
    status, body = await approve(planning, plan_id, on="2026-01-20")
    assert status == 409 and body["detail"][0]["rule"] == "plan_already_approved"


async def test_an_approved_plan_cannot_be_submitted_returned_or_redrafted(planning: Planning) -> None:
    plan_id = await draft(planning, 2029)
    assert await submit(planning, plan_id) == 201
    assert (await approve(planning, plan_id))[0] == 201
    assert await submit(planning, plan_id, on="2026-02-01") == 409
    returned = await planning.post(
        f"/plans/{plan_id}/return",
        {"returned_on": "2026-02-01", "reasons": ["x"]},
        role="district_officer",
        unit="bg-pl",
    )
    assert errors_of(returned)["rule"] == "plan_already_approved"
    redraft = await planning.client.put(
        "/units/pl-x/plans/2029/annual_plan", json=DRAFT, headers=planning.token("union_secretary", "pl-x")
    )
    assert redraft.status_code == 409 and errors_of(redraft)["rule"] == "plan_not_editable"


async def test_a_returned_plan_is_revised_and_submitted_again_before_approval(planning: Planning) -> None:
    plan_id = await draft(planning, 2030)
    assert await submit(planning, plan_id) == 201
    returned = await planning.post(
        f"/plans/{plan_id}/return",
        {"returned_on": "2026-01-12", "reasons": ["thiếu chỉ tiêu tiêu chí 3"]},
        role="district_officer",
        unit="bg-pl",
    )
    assert returned.status_code == 201, returned.text
    # Returned: it cannot be approved until it is submitted again.
    assert (await approve(planning, plan_id))[0] == 409
    assert await submit(planning, plan_id, on="2026-01-13") == 201
    assert (await approve(planning, plan_id, on="2026-01-14"))[0] == 201
    view = (await planning.get(f"/plans/{plan_id}")).json()
    assert view["returns"] == [{"on": "2026-01-12", "reasons": ["thiếu chỉ tiêu tiêu chí 3"]}]


async def test_the_unit_itself_cannot_approve_its_own_plan(planning: Planning) -> None:
    plan_id = await draft(planning, 2031)
    assert await submit(planning, plan_id) == 201
    answer = await planning.post(
        f"/plans/{plan_id}/approval", {"approved_on": "2026-01-15"}, role="admin", unit="pl-x"
    )
    assert answer.status_code == 403 and errors_of(answer)["rule"] == "not_upper_level"
    secretary = await planning.post(f"/plans/{plan_id}/approval", {"approved_on": "2026-01-15"})
    assert secretary.status_code == 403 and errors_of(secretary)["rule"] == "forbidden_role"


async def test_approval_dated_before_submission_or_in_the_future_is_refused(planning: Planning) -> None:
    plan_id = await draft(planning, 2032)
    assert await submit(planning, plan_id, on="2026-03-01") == 201
    early = await approve(planning, plan_id, on="2026-02-01")
    assert early[0] == 422 and early[1]["detail"][0]["rule"] == "date_before"
    future = await approve(planning, plan_id, on="2027-02-01")
    assert future[0] == 422 and future[1]["detail"][0]["accepted"] == "a date on or before 2026-12-20"


async def test_the_party_committee_opinion_needs_a_submission_to_it(planning: Planning) -> None:
    plan_id = await draft(planning, 2033)
    opinion = {"recorded_on": "2026-01-20", "opinion": "Nhất trí"}
    refused = await planning.post(f"/plans/{plan_id}/party-opinion", opinion)
    assert refused.status_code == 409 and errors_of(refused)["rule"] == "plan_not_submitted_to_party"
    assert await submit(planning, plan_id, to="party_committee", on="2026-01-18") == 201
    assert await submit(planning, plan_id, to="party_committee", on="2026-01-19") == 409
    recorded = await planning.post(f"/plans/{plan_id}/party-opinion", opinion)
    assert recorded.status_code == 201, recorded.text
    view = (await planning.get(f"/plans/{plan_id}")).json()
    assert view["party_committee"] == {
        "submitted_on": "2026-01-18",
        "opinion_on": "2026-01-20",
        "opinion": "Nhất trí",
    }
    assert view["status"] == "drafted"


async def test_a_command_on_an_unknown_plan_gets_404(planning: Planning) -> None:
    answer = await planning.post(
        "/plans/pl-x.1999.annual_plan/submissions",
        {"submitted_to": "upper_level", "submitted_on": "2026-01-10"},
    )
    assert answer.status_code == 404 and errors_of(answer)["rule"] == "unknown_plan"


async def test_a_retried_submission_with_its_idempotency_key_is_answered_once(planning: Planning) -> None:
    plan_id = await draft(planning, 2034)
    body = {"submitted_to": "upper_level", "submitted_on": "2026-01-10"}
    first = await planning.post(
        f"/plans/{plan_id}/submissions", body, headers={"Idempotency-Key": "sub-2034"}
    )
    before = await planning.history_length()
    again = await planning.post(
        f"/plans/{plan_id}/submissions", body, headers={"Idempotency-Key": "sub-2034"}
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert await planning.history_length() == before


async def test_the_model_is_registered_once_a_year_with_the_recognising_unit(planning: Planning) -> None:
    body = {"year": 2026, "registered_on": "2025-11-12", "deadline": "2025-11-10"}
    first = await planning.post("/units/pl-x/model-registrations", body)
    assert first.status_code == 201, first.text
    second = await planning.post("/units/pl-x/model-registrations", body)
    assert second.status_code == 409 and errors_of(second)["rule"] == "model_already_registered"
    branch = await planning.post("/units/pl-x-1/model-registrations", body)
    assert branch.status_code == 422 and errors_of(branch)["rule"] == "wrong_level"
    listed = (await planning.get("/units/pl-x/plans?year=2026")).json()
    assert listed["model_registrations"] == [
        {
            "year": 2026,
            "registered_on": "2025-11-12",
            "recognising_unit_id": "bg-pl",
            "deadline": "2025-11-10",
            "on_time": False,
        }
    ]


async def test_a_plan_for_a_unit_planning_does_not_know_gets_a_clear_404(planning: Planning) -> None:
    answer = await planning.client.put(
        "/units/no-such-unit/plans/2026/annual_plan", json=DRAFT, headers=planning.token("admin", "vn")
    )
    assert answer.status_code == 404
    assert errors_of(answer) | {"message": ""} == {
        "error": "unknown_unit",
        "rule": "unknown_unit",
        "message": "",
        "field": "unit_id",
        "value": "no-such-unit",
        "accepted": "the id of a registered unit at or below your unit 'vn'",
    }
