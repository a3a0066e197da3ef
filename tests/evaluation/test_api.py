"""The read API over HTTP, fed by membership's and planning's events through a real JetStream."""

from __future__ import annotations

from datetime import date

from shared.i18n import Message
from tests.evaluation.conftest import Evaluation
from tests.evaluation.history import Tree


async def test_a_unions_compliance_shows_evidence_and_what_is_missing(evaluation: Evaluation) -> None:
    tree = Tree()
    await evaluation.sources.record(tree.registrations())
    recorded = await evaluation.sources.record([*tree.meetings_until(10), tree.dialogue(date(2026, 3, 1))])
    await evaluation.settled()

    answer = await evaluation.client.get(
        "/units/dcs-1/compliance", params={"as_of": "2026-10-31", "year": 2026}, headers=evaluation.token()
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    indicators = {i["indicator_id"]: i for c in body["criteria"] for i in c["indicators"]}
    c22 = indicators["C2.2"]
    assert c22["status"] == "pass"
    assert c22["evidence"]["numbers"]["branch meeting: met"] == 19
    assert {str(e.event_id) for e in recorded[:19]} == set(c22["evidence"]["event_ids"])
    assert [m["description"] for m in c22["missing"]] == [
        "Đơn vị dcs-1-b2: no branch meeting recorded for 10/2026"
    ]
    assert indicators["C3.6"]["status"] == "pass"

    explanation = await evaluation.client.get(
        "/units/dcs-1/explanation", params={"as_of": "2026-10-31", "lang": "en"}, headers=evaluation.token()
    )
    assert "C2.2 [core] PASS" in explanation.text
    assert "missing: Đơn vị dcs-1-b2: no branch meeting recorded for 10/2026" in explanation.text


async def test_the_answer_carries_messages_each_reader_renders_in_their_language(
    evaluation: Evaluation,
) -> None:
    tree = Tree()
    await evaluation.sources.record(tree.registrations())
    await evaluation.sources.record([*tree.meetings_until(10), tree.dialogue(date(2026, 3, 1))])
    await evaluation.settled()
    answer = await evaluation.client.get(
        "/units/dcs-1/compliance", params={"as_of": "2026-10-31"}, headers=evaluation.token()
    )
    body = answer.json()
    assert body["name"] == "Đơn vị dcs-1"
    c2 = next(c for c in body["criteria"] if c["criterion"] == 2)
    c22 = next(i for i in c2["indicators"] if i["indicator_id"] == "C2.2")
    [missing] = c22["missing"]
    message = Message.model_validate(missing["message"])
    assert message.render("vi") == "Đơn vị dcs-1-b2: chưa ghi nhận sinh hoạt chi đoàn trong tháng 10/2026"
    assert message.render("en") == missing["description"]
    label = Message.model_validate(c22["evidence"]["labels"]["branch meeting: met"])
    assert label.render("vi") == "sinh hoạt chi đoàn: đạt"
    explained = Message.model_validate(c22["explanation_message"]).render("vi")
    assert explained.startswith("Đạt: sinh hoạt chi đoàn: 19/24 lượt chi đoàn theo kỳ đạt")
    assert "chỉ tiêu cốt lõi chưa đạt" in Message.model_validate(c2["explanation_message"]).render("vi")

    text = await evaluation.client.get(
        "/units/dcs-1/explanation", params={"as_of": "2026-10-31"}, headers=evaluation.token()
    )
    assert text.headers["content-language"] == "vi"
    assert "C2.2 [cốt lõi] ĐẠT" in text.text
    assert "còn thiếu: Đơn vị dcs-1-b2: chưa ghi nhận sinh hoạt chi đoàn trong tháng 10/2026" in text.text
    wrong = await evaluation.client.get(
        "/units/dcs-1/explanation", params={"lang": "fr"}, headers=evaluation.token()
    )
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "lang"
    district = await evaluation.client.get("/units/bg-pl/compliance", headers=evaluation.token())
    refusal = Message.model_validate(district.json()["detail"][0]["text"])
    assert refusal.render("vi").startswith("Đơn vị bg-pl không phải là đoàn cơ sở")


async def test_unions_under_a_district_and_its_rollup(evaluation: Evaluation) -> None:
    tree = Tree()
    await evaluation.sources.record(tree.registrations())
    await evaluation.settled()
    token = evaluation.token("district_officer", "bg-pl")
    listed = await evaluation.client.get("/units/bg-pl/unions", headers=token)
    assert listed.status_code == 200, listed.text
    assert [u["unit_id"] for u in listed.json()["items"]] == ["dcs-1"]
    assert listed.json()["items"][0]["status"] in {"fail", "at_risk", "not_assessed"}
    rolled = await evaluation.client.get(
        "/units/bg/rollup", headers=evaluation.token("province_officer", "bg")
    )
    assert rolled.status_code == 200, rolled.text
    body = rolled.json()
    assert body["unions"] == 1 and body["branches"] == 2
    assert body["recognition"]["recognised_of_registered"] == "0/0"
    assert [c["unit_id"] for c in body["children"]] == ["bg-pl"]


async def test_reads_are_scoped_by_token_and_refuse_a_unit_that_is_not_a_union(
    evaluation: Evaluation,
) -> None:
    await evaluation.sources.record(
        Tree().registrations() + Tree("hn", "hn-1", "dcs-9", 1).registrations()[1:]
    )
    await evaluation.settled()
    assert (await evaluation.client.get("/units/dcs-1/compliance")).status_code == 401
    # Another district's union answers as a union that does not exist, byte for byte but for its id.
    stranger = evaluation.token("union_secretary", "dcs-9")
    outside = await evaluation.client.get("/units/dcs-1/compliance", headers=stranger)
    nowhere = await evaluation.client.get("/units/zzz-1/compliance", headers=stranger)
    assert outside.status_code == 404 and outside.json()["error"] == "unknown_unit"
    assert outside.text.replace("dcs-1", "zzz-1") == nowhere.text
    district = await evaluation.client.get("/units/bg-pl/compliance", headers=evaluation.token())
    assert district.status_code == 422
    assert district.json()["error"] == "not_a_union"
    assert district.json()["detail"][0]["field"] == "unit_id"
    bad_date = await evaluation.client.get(
        "/units/dcs-1/compliance", params={"as_of": "31/10/2026"}, headers=evaluation.token()
    )
    assert bad_date.status_code == 422
