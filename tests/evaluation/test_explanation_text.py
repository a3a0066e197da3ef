"""What an evaluation says reads in Vietnamese by default and in English on request: explanations, what
is missing (with the branches' names), the figures' names, late marks and the workflow's refusals."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from services.evaluation.domain.evaluate import AsOf, evaluate
from services.evaluation.domain.explain import explain
from services.evaluation.domain.facts import Fact
from services.evaluation.domain.recognition import Recognition, Registration, StepError
from services.evaluation.domain.results import IndicatorResult, UnitCompliance
from services.evaluation.domain.rules import load_rules
from services.evaluation.domain.units import BranchView, UnionView
from shared.clock import VIETNAM
from shared.contracts.evaluation import AppraisalVerdict, Status
from shared.contracts.org import UnitType

UNION = UnionView(
    "dcs-1",
    UnitType.COMMUNE_WARD,
    (
        BranchView("dcs-1-b1", date(2025, 1, 1), name="Chi đoàn thôn Phước Lộc"),
        BranchView("dcs-1-b2", date(2025, 1, 1), name="Chi đoàn thôn Tân Hòa"),
    ),
    name="Đoàn xã Tân Hòa",
    opened_on=date(2025, 1, 1),
)


def meetings() -> list[Fact]:
    """Every month to September in the first branch, none in the second after June; all on time."""
    facts = []
    for branch, months in (("dcs-1-b1", range(1, 10)), ("dcs-1-b2", range(1, 7))):
        for month in months:
            held, event_id = date(2026, month, 10), f"mt-{branch}-{month:02d}"
            entered = datetime.combine(held, time(20), VIETNAM)
            facts.append(
                Fact(event_id, "meeting", branch, event_id, held, entered, event_id, 8, 10, "periodic")
            )
    return facts


@pytest.fixture(scope="module")
def result() -> UnitCompliance:
    return evaluate(load_rules(), UNION, meetings(), 2026, AsOf(date(2026, 10, 31)))


def indicator(result: UnitCompliance, indicator_id: str) -> IndicatorResult:
    return next(i for c in result.criteria for i in c.indicators if i.indicator_id == indicator_id)


def test_what_is_missing_names_the_branch_and_its_month_in_either_language(result: UnitCompliance) -> None:
    missing = {m.period: m for m in indicator(result, "C2.2").missing if m.unit_id == "dcs-1-b2"}
    july = missing["2026-07"]
    assert july.message is not None
    assert (
        july.message.render("vi")
        == "Chi đoàn thôn Tân Hòa: chưa ghi nhận sinh hoạt chi đoàn trong tháng 7/2026"
    )
    assert july.message.render("en") == "Chi đoàn thôn Tân Hòa: no branch meeting recorded for 7/2026"
    # Readers of the English text find it where it always was, once written out (an answer, an event).
    assert july.model_dump(mode="json")["description"] == july.message.render("en") == july.render("en")


def test_a_deadline_reads_as_a_deadline(result: UnitCompliance) -> None:
    [plan] = indicator(result, "C3.1").missing
    assert plan.message is not None
    assert plan.message.render("en") == "no plan submitted to the Party committee recorded by 31/01/2026"
    assert plan.message.render("vi") == "chưa ghi nhận kế hoạch trình cấp ủy (hạn 31/01/2026)"
    assert "for by" not in plan.model_dump()["description"]


def test_explanations_and_figures_read_in_vietnamese(result: UnitCompliance) -> None:
    c22 = indicator(result, "C2.2")
    assert c22.explanation_message is not None
    assert c22.explanation_message.render("vi").startswith(
        "Không đạt: sinh hoạt chi đoàn: 15/24 lượt chi đoàn theo kỳ đạt (mỗi lượt ≥ 1), cần 22, không đạt 3"
    )
    assert c22.model_dump()["explanation"] == c22.explanation_message.render("en") == c22.explain("en")
    assert c22.evidence.numbers["branch meeting: needed"] == 22  # the keys stay as they were
    assert c22.evidence.labels["branch meeting: needed"].render("vi") == "sinh hoạt chi đoàn: cần đạt"
    assert c22.evidence.labels["branch meeting: needed"].render("en") == "branch meeting: needed"
    assert set(c22.evidence.labels) == set(c22.evidence.numbers)
    criterion = next(c for c in result.criteria if c.criterion == 1)
    assert criterion.explanation_message is not None
    said = criterion.explanation_message.render("vi")
    assert "chỉ tiêu cốt lõi chưa đạt: C1.1" in said and "chỉ tiêu không bắt buộc đã đạt: " in said
    assert "optional indicators passed: " in criterion.model_dump()["explanation"]


def test_the_explanation_prints_in_vietnamese_unless_english_is_asked(result: UnitCompliance) -> None:
    vi, en = explain(result), explain(result, lang="en")
    assert vi.startswith("Đoàn xã Tân Hòa (dcs-1), xã, phường — năm 2026, tính đến ngày 31/10/2026")
    assert '"3 chủ động": KHÔNG ĐẠT' in vi and "Tiêu chí 2: KHÔNG ĐẠT" in vi
    assert "C2.2 [cốt lõi] KHÔNG ĐẠT — Chi đoàn sinh hoạt định kỳ hằng tháng" in vi
    assert "số liệu: sinh hoạt chi đoàn: số lượt chi đoàn theo kỳ = 24" in vi
    assert "còn thiếu: Chi đoàn thôn Tân Hòa: chưa ghi nhận sinh hoạt chi đoàn trong tháng 7/2026" in vi
    assert "recorded" not in vi and "missing:" not in vi
    assert en.startswith(
        "Đoàn xã Tân Hòa (dcs-1), commune or ward — year 2026, as it had happened by 31/10/2026"
    )
    assert "C2.2 [core] FAIL — Every branch meets monthly" in en
    assert "missing: Chi đoàn thôn Tân Hòa: no branch meeting recorded for 7/2026" in en


def test_messages_travel_as_json_and_read_the_same(result: UnitCompliance) -> None:
    again = UnitCompliance.model_validate_json(result.model_dump_json())
    assert explain(again) == explain(result) and explain(again, lang="en") == explain(result, lang="en")


def test_a_step_out_of_order_is_refused_in_the_officers_words() -> None:
    registered = Recognition("dcs-1", 2026, Registration(date(2025, 11, 1), "bg-pl"))
    with pytest.raises(StepError) as refused:
        registered.appraise("bg-pl", 1, AppraisalVerdict.CONFIRMED, Status.PASS, "ok")
    assert "the workflow is at 'registered'" in refused.value.message  # the English, as before
    assert refused.value.render("vi") == (
        "Chưa thể thẩm định tiêu chí năm 2026: quy trình công nhận đang ở bước “Đã đăng ký”, "
        "bước này cần “Đã tự đánh giá hoặc Đã thẩm định”"
    )
    assert refused.value.to_dict()["text"]["id"].startswith("cannot {step} for {year}")
