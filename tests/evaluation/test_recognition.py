"""The recognition workflow over HTTP: no step can be skipped, and only the recognising unit decides."""

from __future__ import annotations

from datetime import date

import httpx

from services.evaluation.domain.streams import recognition_stream
from shared.bus.subjects import stream_name
from shared.contracts.evaluation import SelfAssessmentSubmitted
from shared.contracts.org import UnitType
from shared.store import StreamAppend
from tests.evaluation.conftest import Evaluation
from tests.evaluation.history import Tree
from tests.support import wait_until


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


async def applied(evaluation: Evaluation, position: int) -> None:
    """Wait until evaluation's facts projection has applied its own history up to ``position``."""
    consumer = f"evaluation_evaluation_facts_{stream_name('evaluation')}"

    def caught_up() -> bool:
        found = evaluation.app.state.runtime.consumer(consumer)
        return found is not None and found.checkpoint >= position

    await wait_until(caught_up, what="evaluation's own events applied")


async def stages(evaluation: Evaluation, union: str = "dcs-1") -> tuple[str, str, int]:
    """The union's stage as the list, the union's own route and the roll-up read it."""
    officer = evaluation.token("district_officer", "bg-pl")
    listed = (await evaluation.client.get("/units/bg-pl/unions", headers=officer)).json()["items"]
    state = (await evaluation.client.get(f"/units/{union}/recognition", headers=officer)).json()
    rolled = (await evaluation.client.get("/units/bg-pl/rollup", headers=officer)).json()
    (item,) = [i for i in listed if i["unit_id"] == union]
    return item["stage"], state["stage"], rolled["recognition"]["self_assessed"]


async def test_the_list_the_roll_up_and_the_unions_route_read_the_stage_the_next_step_is_checked_against(
    evaluation: Evaluation,
) -> None:
    tree = Tree()
    await evaluation.sources.record([*tree.registrations(), tree.model_registered(2026, date(2025, 11, 1))])
    await evaluation.settled()
    assert await stages(evaluation) == ("registered", "registered", 0)

    # Recorded straight into the store, as the demo's loader does: a self-assessment on another stream
    # than the workflow's (as an older demo wrote it) is no step of it; on the workflow's stream it is.
    store = evaluation.app.state.runtime.store
    for stream in ("self-assessment-dcs-1-2026", recognition_stream("dcs-1", 2026)):
        submitted = SelfAssessmentSubmitted(unit_id="dcs-1", year=2026, submitted_on=date(2026, 10, 20))
        event = tree.event("dcs-1", submitted, date(2026, 10, 20), stream)
        [appended] = await store.append(StreamAppend(stream, [event]), actor="demo")
        await applied(evaluation, appended.position)
        if stream != recognition_stream("dcs-1", 2026):
            assert await stages(evaluation) == ("registered", "registered", 0)
    assert await stages(evaluation) == ("self_assessed", "self_assessed", 1)
    # A step answered is read the same at once, before its event comes back through the bus.
    for criterion in (1, 2, 3):
        answer = await post(evaluation, "appraisals", appraisal(criterion), "district_officer", "bg-pl")
        assert answer.status_code == 201, answer.text
        assert (await stages(evaluation))[:2] == (answer.json()["stage"],) * 2
    assert answer.json()["stage"] == "appraised"
    last = max(e.position for e in await evaluation.emitted() if e.type == "CriterionAppraised")
    await applied(evaluation, last)  # the appraisals come back through the bus: nothing changes
    assert await stages(evaluation) == ("appraised", "appraised", 1)
    # The row holds what the union's page shows: each appraisal with its comment.
    state = await evaluation.client.get("/units/dcs-1/recognition?year=2026", headers=evaluation.token())
    assert state.json()["appraisals"]["2"] == {"verdict": "confirmed", "status": "pass", "comment": "đạt"}


async def test_each_union_is_listed_at_its_own_year_and_recognition_in_progress(
    evaluation: Evaluation,
) -> None:
    # 26 October 2026: a school's evaluation year 2027 began in September; the recognition in progress is
    # still its year 2026's (appraised and decided in the months after it ended in August).
    commune, school = Tree(), Tree(union="dcs-s")
    await evaluation.sources.record(
        [
            *commune.registrations(),
            *school.registrations(unit_type=UnitType.SCHOOL)[3:],
            commune.model_registered(2026, date(2025, 11, 1)),
            school.model_registered(2026, date(2025, 8, 1)),
        ]
    )
    await evaluation.settled()
    officer = evaluation.token("district_officer", "bg-pl")
    listed = (await evaluation.client.get("/units/bg-pl/unions", headers=officer)).json()
    years = {i["unit_id"]: (i["year"], i["recognition_year"], i["stage"]) for i in listed["items"]}
    assert years == {"dcs-1": (2026, 2026, "registered"), "dcs-s": (2027, 2026, "registered")}
    page = (await evaluation.client.get("/units/dcs-s/recognition", headers=officer)).json()
    assert (page["year"], page["stage"]) == (2026, "registered")
    compliance = (await evaluation.client.get("/units/dcs-s/compliance", headers=officer)).json()
    assert compliance["year"] == 2027
    asked = (await evaluation.client.get("/units/bg-pl/unions?year=2027", headers=officer)).json()
    assert {i["unit_id"]: i["stage"] for i in asked["items"]} == {
        "dcs-1": "unregistered",
        "dcs-s": "unregistered",
    }
