"""Rebuilding evaluation's facts projection through the operators' route, beside the live one."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select

from services.evaluation.adapters.tables import facts
from tests.evaluation.conftest import Evaluation
from tests.evaluation.history import Tree


async def test_the_facts_projection_rebuilt_through_the_admin_route_gives_the_same_compliance_and_only_that(
    evaluation: Evaluation,
) -> None:
    tree = Tree()
    await evaluation.sources.record(tree.registrations())
    await evaluation.sources.record([*tree.meetings_until(10), tree.dialogue(date(2026, 3, 1))])
    await evaluation.settled()
    params: dict[str, str | int] = {"as_of": "2026-10-31", "year": 2026}
    before = await evaluation.client.get("/units/dcs-1/compliance", params=params, headers=evaluation.token())
    assert before.status_code == 200, before.text
    runtime = evaluation.app.state.runtime
    async with runtime.db.transaction() as conn:  # facts lost from the live model: a rebuild brings them back
        await conn.execute(delete(facts))

    answer = await evaluation.client.post(
        "/admin/projections/evaluation_facts/rebuild", headers=evaluation.token()
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    async with runtime.db.read() as conn:
        kept = int((await conn.execute(select(func.count()).select_from(facts))).scalar_one())
    assert report["rows"]["evaluation_facts"] == kept > 0
    assert report["rows"]["org_units"] > 0
    assert report["events_applied"] > 0
    await evaluation.settled()  # every union was marked to be evaluated again
    after = await evaluation.client.get("/units/dcs-1/compliance", params=params, headers=evaluation.token())
    assert after.json() == before.json()

    listed = await evaluation.client.get("/admin/projections", headers=evaluation.token())
    assert listed.status_code == 200, listed.text
    by_name = {p["projection"]: p for p in listed.json()}
    assert set(by_name) == {"evaluation_facts", "member_counts"}
    facts_streams = {s["stream"]: s for s in by_name["evaluation_facts"]["streams"]}
    assert set(facts_streams) == {"MEMBERSHIP", "PLANNING", "EVALUATION"}
    assert facts_streams["PLANNING"]["checkpoint"] == report["checkpoints"]["PLANNING"]
    assert by_name["evaluation_facts"]["rebuild"] is None

    # An unknown projection is a 404 naming the known ones; only an operator may rebuild or list.
    unknown = await evaluation.client.post("/admin/projections/facts/rebuild", headers=evaluation.token())
    assert unknown.status_code == 404, unknown.text
    (body,) = unknown.json()["detail"]
    assert body["rule"] == "unknown_projection"
    assert body["field"] == "projection" and body["value"] == "facts"
    assert body["accepted"] == "evaluation_facts, member_counts"
    officer = evaluation.token("district_officer", "bg-pl")
    refused = await evaluation.client.post("/admin/projections/evaluation_facts/rebuild", headers=officer)
    assert refused.status_code == 403, refused.text
    assert (await evaluation.client.get("/admin/projections", headers=officer)).status_code == 403
