"""The overview as of a past day and the monthly trend, replayed from the facts."""

from __future__ import annotations

from typing import Any

from tests.evaluation.conftest import Evaluation
from tests.evaluation.history import Tree


async def test_unions_as_of_a_day_and_the_trend_follow_the_meetings_of_that_time(
    evaluation: Evaluation,
) -> None:
    tree = Tree()
    await evaluation.sources.record(tree.registrations())
    # Both branches meet every month to May; from June branch 2 stops meeting.
    await evaluation.sources.record(tree.meetings_until(6))
    await evaluation.settled()
    officer = evaluation.token("district_officer", "bg-pl")

    def c22(body: dict[str, Any]) -> str:
        (item,) = body["items"]
        if "C2.2" in item["failing"]:
            return "fail"
        return "at_risk" if "C2.2" in item["at_risk"] else "ok"

    april = await evaluation.client.get(
        "/units/bg-pl/unions/as-of", params={"as_of": "2026-04-30"}, headers=officer
    )
    assert april.status_code == 200, april.text
    assert april.json()["as_of"] == "2026-04-30" and april.json()["total"] == 1
    assert c22(april.json()) == "ok"
    october = await evaluation.client.get(
        "/units/bg-pl/unions/as-of", params={"as_of": "2026-10-31"}, headers=officer
    )
    assert c22(october.json()) == "fail"

    trend = await evaluation.client.get("/units/bg-pl/trend", params={"year": 2026}, headers=officer)
    assert trend.status_code == 200, trend.text
    months = trend.json()["months"]
    assert months[0]["month"] == "2026-01" and trend.json()["unions"] == 1
    assert all(sum(m["status"].values()) == 1 for m in months)
    # Each month's point judges what was due by the month's end, never "not assessed" for a period
    # still open: criterion 2 failed from January (no model registered by 10 November before), as the
    # October page says.
    by_month = {m["month"]: m["criteria"]["2"] for m in months}
    assert all(c["fail"] == 1 for c in by_month.values()), by_month
    assert october.json()["items"][0]["c2"] == "fail"

    outside = await evaluation.client.get("/units/bg/trend", headers=officer)
    assert outside.status_code == 404 and outside.json()["error"] == "unknown_unit"
    bad = await evaluation.client.get(
        "/units/bg-pl/unions/as-of", params={"as_of": "31/10/2026"}, headers=officer
    )
    assert bad.status_code == 422 and "as_of" in bad.text


async def test_an_indicators_evidence_lists_its_events_with_their_dates(evaluation: Evaluation) -> None:
    tree = Tree()
    b1, _ = tree.branches
    await evaluation.sources.record(tree.registrations())
    recorded = await evaluation.sources.record(tree.monthly_meetings(b1, (1, 2, 3)))
    await evaluation.settled()
    officer = evaluation.token("district_officer", "bg-pl")
    answer = await evaluation.client.get(
        "/units/dcs-1/indicators/C2.2", params={"as_of": "2026-03-31"}, headers=officer
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["indicator"]["indicator_id"] == "C2.2"
    assert [e["occurred_on"] for e in body["events"]] == ["2026-01-10", "2026-02-10", "2026-03-10"]
    assert {e["event_id"] for e in body["events"]} == {str(e.event_id) for e in recorded}
    # What a page needs to say it in words: "Chi đoàn 1 sinh hoạt ngày 10/01/2026, 8/10 đoàn viên có mặt".
    first = body["events"][0]
    assert (first["unit_id"], first["number"], first["total"], first["tag"]) == (b1, 8, 10, "periodic")
    assert first["subject"].startswith("mt")
    unknown = await evaluation.client.get("/units/dcs-1/indicators/C9.9", headers=officer)
    assert unknown.status_code == 404 and "C2.2" in unknown.text
