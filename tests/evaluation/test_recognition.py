"""The recognition workflow over HTTP: no step can be skipped, and only the recognising unit decides."""

from __future__ import annotations

from datetime import date

import httpx

from tests.evaluation.conftest import Evaluation
from tests.evaluation.history import Tree


async def post(
    evaluation: Evaluation, path: str, body: dict[str, object], role: str, unit: str
) -> httpx.Response:
    return await evaluation.client.post(
        f"/units/dcs-1/{path}", json=body, headers=evaluation.token(role, unit)
    )


def appraisal(criterion: int) -> dict[str, object]:
    return {"year": 2026, "criterion": criterion, "verdict": "confirmed", "status": "pass", "comment": "đạt"}


async def test_the_workflow_cannot_skip_steps_and_only_the_recognising_unit_decides(
    evaluation: Evaluation,
) -> None:
    tree = Tree()
    await evaluation.sources.record(tree.registrations())
    await evaluation.settled()
    self_assessment = {"year": 2026, "submitted_on": "2026-12-01", "claims": {"1": "pass"}}
    unregistered = await post(evaluation, "self-assessment", self_assessment, "union_secretary", "dcs-1")
    assert unregistered.status_code == 409, unregistered.text
    assert unregistered.json()["detail"][0]["value"] == "unregistered"

    await evaluation.sources.record([tree.model_registered(2026, date(2025, 11, 1))])
    await evaluation.settled()
    decision = {"year": 2026, "recognised": True, "decided_on": "2026-12-20", "decision_number": "12-QĐ/HĐTN"}
    assert (
        await post(evaluation, "appraisals", appraisal(1), "district_officer", "bg-pl")
    ).status_code == 409
    assert (await post(evaluation, "decision", decision, "district_officer", "bg-pl")).status_code == 409
    assert (
        await post(evaluation, "self-assessment", self_assessment, "union_secretary", "dcs-1")
    ).status_code == 201
    assert (
        await post(evaluation, "self-assessment", self_assessment, "union_secretary", "dcs-1")
    ).status_code == 409
    assert (await post(evaluation, "decision", decision, "district_officer", "bg-pl")).status_code == 409

    by_province = await post(evaluation, "appraisals", appraisal(1), "province_officer", "bg")
    assert by_province.status_code == 403 and by_province.json()["error"] == "not_recognising_unit"
    by_union = await post(evaluation, "appraisals", appraisal(1), "union_secretary", "dcs-1")
    assert by_union.status_code == 403
    for criterion in (1, 2, 3):
        answer = await post(evaluation, "appraisals", appraisal(criterion), "district_officer", "bg-pl")
        assert answer.status_code == 201, answer.text
    assert answer.json()["stage"] == "appraised"
    assert (await post(evaluation, "decision", decision, "province_officer", "bg")).status_code == 403
    recognised = await post(evaluation, "decision", decision, "district_officer", "bg-pl")
    assert recognised.status_code == 201, recognised.text
    assert recognised.json()["stage"] == "recognised" and recognised.json()["decision_number"] == "12-QĐ/HĐTN"
    assert (await post(evaluation, "decision", decision, "district_officer", "bg-pl")).status_code == 409

    await evaluation.settled()
    rolled = (await evaluation.client.get("/units/bg/rollup?year=2026", headers=evaluation.token())).json()
    assert rolled["recognition"]["recognised_of_registered"] == "1/1"
    listed = (await evaluation.client.get("/units/bg-pl/unions?year=2026", headers=evaluation.token())).json()
    assert listed["items"][0]["stage"] == "recognised"


async def test_a_denial_needs_reasons_and_criteria_not_met_cannot_be_recognised(
    evaluation: Evaluation,
) -> None:
    tree = Tree()
    await evaluation.sources.record([*tree.registrations(), tree.model_registered(2026, date(2025, 11, 1))])
    await evaluation.settled()
    await post(
        evaluation,
        "self-assessment",
        {"year": 2026, "submitted_on": "2026-12-01"},
        "union_secretary",
        "dcs-1",
    )
    for criterion, status in ((1, "pass"), (2, "fail"), (3, "pass")):
        body = {
            **appraisal(criterion),
            "status": status,
            "verdict": "adjusted" if status == "fail" else "confirmed",
        }
        assert (await post(evaluation, "appraisals", body, "district_officer", "bg-pl")).status_code == 201
    recognise = {"year": 2026, "recognised": True, "decided_on": "2026-12-20", "decision_number": "1"}
    refused = await post(evaluation, "decision", recognise, "district_officer", "bg-pl")
    assert refused.status_code == 409 and refused.json()["error"] == "criteria_not_met"
    deny = {"year": 2026, "recognised": False, "decided_on": "2026-12-20"}
    assert (await post(evaluation, "decision", deny, "district_officer", "bg-pl")).status_code == 422
    denied = await post(
        evaluation,
        "decision",
        {**deny, "reasons": ["C2.2: 3 branches did not meet"]},
        "district_officer",
        "bg-pl",
    )
    assert denied.status_code == 201 and denied.json()["stage"] == "denied"
    state = await evaluation.client.get(
        "/units/dcs-1/recognition?year=2026", headers=evaluation.token("auditor", "bg")
    )
    assert state.json()["reasons"] == ["C2.2: 3 branches did not meet"]


async def test_a_step_retried_under_its_idempotency_key_gets_the_first_answer_and_records_once(
    evaluation: Evaluation,
) -> None:
    tree = Tree()
    await evaluation.sources.record([*tree.registrations(), tree.model_registered(2026, date(2025, 11, 1))])
    await evaluation.settled()
    body = {"year": 2026, "submitted_on": "2026-12-01", "claims": {"1": "pass"}}
    headers = {
        **evaluation.token("union_secretary", "dcs-1"),
        "Idempotency-Key": "self-assessment-dcs-1-2026",
    }
    first = await evaluation.client.post("/units/dcs-1/self-assessment", json=body, headers=headers)
    again = await evaluation.client.post("/units/dcs-1/self-assessment", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    other = await evaluation.client.post(
        "/units/dcs-1/self-assessment", json={**body, "submitted_on": "2026-12-02"}, headers=headers
    )
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"
    appraised = await evaluation.client.post(
        "/units/dcs-1/appraisals",
        json=appraisal(1),
        headers={**evaluation.token("district_officer", "bg-pl"), "Idempotency-Key": "appraisal-1"},
    )
    assert appraised.status_code == 201, appraised.text
    steps = [
        e.type
        for e in await evaluation.emitted()
        if e.type in ("SelfAssessmentSubmitted", "CriterionAppraised")
    ]
    assert steps == ["SelfAssessmentSubmitted", "CriterionAppraised"]
