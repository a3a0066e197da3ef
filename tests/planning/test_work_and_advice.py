"""Activities, youth projects, reports and reviews; proposals, agreements, dialogues, resources."""

from __future__ import annotations

from typing import Any

from tests.planning.conftest import Planning, errors_of


async def schedule(planning: Planning, **changes: Any) -> str:
    body = {
        "activity_id": planning.new_id("act"),
        "title": "Ngày Chủ nhật xanh",
        "scheduled_on": "2026-11-01",
        "criterion": 2,
    }
    answer = await planning.post("/units/pl-x/activities", body | changes)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["activity_id"])


async def test_an_activity_is_held_once_and_then_cannot_be_cancelled(planning: Planning) -> None:
    activity = await schedule(planning)
    held = await planning.post(f"/activities/{activity}/held", {"held_on": "2026-11-01", "participants": 40})
    assert held.status_code == 201, held.text
    again = await planning.post(f"/activities/{activity}/held", {"held_on": "2026-11-02", "participants": 40})
    assert again.status_code == 409 and errors_of(again)["rule"] == "activity_already_held"
    cancel = await planning.post(
        f"/activities/{activity}/cancellation", {"cancelled_on": "2026-11-02", "reason": "mưa"}
    )
    assert cancel.status_code == 409 and errors_of(cancel)["rule"] == "activity_already_held"


async def test_a_cancelled_activity_keeps_its_reason_and_the_period_query_shows_both(
    planning: Planning,
) -> None:
    held = await schedule(planning, scheduled_on="2026-07-01")
    cancelled = await schedule(planning, scheduled_on="2026-07-02")
    await planning.post(f"/activities/{held}/held", {"held_on": "2026-07-01", "participants": 12})
    blank = await planning.post(
        f"/activities/{cancelled}/cancellation", {"cancelled_on": "2026-07-02", "reason": " "}
    )
    assert blank.status_code == 422 and errors_of(blank)["field"] == "reason", blank.text
    answer = await planning.post(
        f"/activities/{cancelled}/cancellation", {"cancelled_on": "2026-07-02", "reason": "Bão số 3"}
    )
    assert answer.status_code == 201, answer.text
    listed = (await planning.get("/units/pl-x/activities?from=2026-07-01&to=2026-07-31&kind=activity")).json()
    assert [(i["id"], i["status"], i["reason"]) for i in listed["items"]] == [
        (held, "held", None),
        (cancelled, "cancelled", "Bão số 3"),
    ]
    assert listed["summary"] == {"activity:held": 1, "activity:cancelled": 1}


async def test_an_unknown_activity_gets_404(planning: Planning) -> None:
    answer = await planning.post("/activities/act-nope/held", {"held_on": "2026-11-01", "participants": 1})
    assert answer.status_code == 404 and errors_of(answer)["rule"] == "unknown_activity"


async def test_a_youth_project_is_completed_once_not_before_its_registration(planning: Planning) -> None:
    body = {"title": "Đường hoa thanh niên", "kind": "project", "registered_on": "2026-03-01", "year": 2026}
    answer = await planning.post("/units/pl-x/youth-projects", body)
    assert answer.status_code == 201, answer.text
    project = answer.json()["project_id"]
    early = await planning.post(f"/youth-projects/{project}/completion", {"completed_on": "2026-02-01"})
    assert errors_of(early)["rule"] == "date_before"
    done = await planning.post(
        f"/youth-projects/{project}/completion", {"completed_on": "2026-05-01", "value_vnd": 50_000_000}
    )
    assert done.status_code == 201, done.text
    again = await planning.post(f"/youth-projects/{project}/completion", {"completed_on": "2026-05-02"})
    assert again.status_code == 409 and errors_of(again)["rule"] == "project_already_completed"
    listed = (await planning.get("/units/pl-x/activities?kind=project")).json()
    assert any(
        i["id"] == project and i["status"] == "completed" and i["value_vnd"] == 50_000_000
        for i in listed["items"]
    )


async def test_a_quarterly_report_and_each_review_are_recorded_once_per_period(planning: Planning) -> None:
    report = {"period": "2026-Q3", "submitted_on": "2026-10-05"}
    assert (await planning.post("/units/pl-x/periodic-reports", report)).status_code == 201
    twice = await planning.post("/units/pl-x/periodic-reports", report)
    assert twice.status_code == 409 and errors_of(twice)["field"] == "period"
    bad = await planning.post("/units/pl-x/periodic-reports", report | {"period": "2026-Q5"})
    assert bad.status_code == 422 and errors_of(bad)["field"] == "period"
    review = {"year": 2026, "kind": "mid_year", "held_on": "2026-07-10"}
    assert (await planning.post("/units/pl-x/reviews", review)).status_code == 201
    assert (await planning.post("/units/pl-x/reviews", review)).status_code == 409
    assert (
        await planning.post("/units/pl-x/reviews", review | {"kind": "year_end", "held_on": "2026-12-15"})
    ).status_code == 201


async def test_inspections_and_good_models_are_recorded_and_appear_in_the_timeline(
    planning: Planning,
) -> None:
    inspection = await planning.post(
        "/units/pl-x/inspections",
        {"kind": "self_criticism", "held_on": "2026-04-20", "findings": "Cần sinh hoạt đều hơn"},
    )
    assert inspection.status_code == 201, inspection.text
    model = await planning.post(
        "/units/pl-x/good-models", {"title": "Tuyến đường thanh niên tự quản", "recognised_on": "2026-04-21"}
    )
    assert model.status_code == 201, model.text
    timeline = (await planning.get("/units/pl-x/timeline?from=2026-04-20&to=2026-04-21")).json()["items"]
    assert [(i["type"], i["on"]) for i in timeline] == [
        ("InspectionHeld", "2026-04-20"),
        ("GoodModelRecognised", "2026-04-21"),
    ]


async def test_a_proposal_has_one_outcome(planning: Planning) -> None:
    body = {
        "submitted_to": "party_committee",
        "subject": "Quy chế phối hợp Đoàn – Hội LHPN",
        "submitted_on": "2026-02-02",
    }
    answer = await planning.post("/units/pl-x/advisory-proposals", body)
    assert answer.status_code == 201, answer.text
    proposal = answer.json()["proposal_id"]
    outcome = {"outcome": "adopted", "recorded_on": "2026-03-01"}
    assert (await planning.post(f"/advisory-proposals/{proposal}/outcome", outcome)).status_code == 201
    again = await planning.post(
        f"/advisory-proposals/{proposal}/outcome", outcome | {"outcome": "not_adopted"}
    )
    assert again.status_code == 409 and errors_of(again)["rule"] == "proposal_already_decided"
    wrong = await planning.post("/units/pl-x/advisory-proposals", body | {"submitted_to": "the_king"})
    assert wrong.status_code == 422 and "party_committee" in errors_of(wrong)["accepted"]


async def test_joint_activities_count_only_under_an_agreement_in_force(planning: Planning) -> None:
    signed = await planning.post(
        "/units/pl-x/coordination-agreements",
        {"partner": "Hội Liên hiệp Phụ nữ xã", "signed_on": "2026-01-10", "ends_on": "2026-12-31"},
    )
    assert signed.status_code == 201, signed.text
    agreement = signed.json()["agreement_id"]
    before = await planning.post(
        f"/coordination-agreements/{agreement}/joint-activities",
        {"held_on": "2026-01-01", "title": "Hiến máu"},
    )
    assert errors_of(before)["rule"] == "agreement_not_in_force"
    held = await planning.post(
        f"/coordination-agreements/{agreement}/joint-activities",
        {"held_on": "2026-03-01", "title": "Hiến máu"},
    )
    assert held.status_code == 201, held.text
    ended = await planning.post(
        f"/coordination-agreements/{agreement}/end", {"ended_on": "2026-06-30", "reason": "hết hạn"}
    )
    assert ended.status_code == 201, ended.text
    after = await planning.post(
        f"/coordination-agreements/{agreement}/joint-activities",
        {"held_on": "2026-07-01", "title": "Hiến máu"},
    )
    assert errors_of(after)["rule"] == "agreement_not_in_force"
    twice = await planning.post(f"/coordination-agreements/{agreement}/end", {"ended_on": "2026-07-01"})
    assert twice.status_code == 409 and errors_of(twice)["rule"] == "agreement_already_ended"


async def test_dialogues_party_briefings_and_resources_are_recorded(planning: Planning) -> None:
    dialogue = {
        "held_on": "2026-03-26",
        "leaders": ["Bí thư Đảng ủy xã", "Chủ tịch UBND xã"],
        "participants": 85,
    }
    assert (await planning.post("/units/pl-x/dialogues", dialogue)).status_code == 201
    no_leader = await planning.post("/units/pl-x/dialogues", dialogue | {"leaders": []})
    assert no_leader.status_code == 422 and errors_of(no_leader)["field"] == "leaders"
    briefed = await planning.post(
        "/units/pl-x/party-briefings", {"briefed_on": "2026-06-01", "topic": "Công tác thanh niên 6 tháng"}
    )
    assert briefed.status_code == 201, briefed.text
    money = {"mobilised_on": "2026-05-01", "source": "Công ty TNHH Minh Phát", "amount_vnd": 20_000_000}
    assert (await planning.post("/units/pl-x/resources", money)).status_code == 201
    kind = await planning.post("/units/pl-x/resources", money | {"amount_vnd": 0, "in_kind": "200 cây giống"})
    assert kind.status_code == 201, kind.text
    nothing = await planning.post("/units/pl-x/resources", money | {"amount_vnd": 0})
    assert errors_of(nothing)["rule"] == "nothing_mobilised"
