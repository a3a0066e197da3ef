"""Late evidence (ghi nhận muộn): each fact knows how late it was recorded; every indicator marks its late
evidence, and a province's rules may count evidence recorded beyond a limit as "at risk" at most, or not
at all."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from services.evaluation.domain.evaluate import AsOf, evaluate
from services.evaluation.domain.explain import explain
from services.evaluation.domain.facts import Fact
from services.evaluation.domain.results import IndicatorResult, UnitCompliance
from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.domain.rules import RulesError, load_rules, parse_rules
from services.evaluation.domain.units import BranchView, UnionView
from shared.clock import VIETNAM
from shared.contracts.evaluation import LateCounting
from shared.contracts.org import UnitType

BRANCHES = ("dcs-1-b1", "dcs-1-b2")
UNION = UnionView(
    "dcs-1",
    UnitType.COMMUNE_WARD,
    tuple(BranchView(b, date(2025, 1, 1)) for b in BRANCHES),
    path="vn.bg.bg-pl.dcs-1",
    opened_on=date(2025, 1, 1),
)
AS_OF = AsOf(date(2026, 12, 10))
BACK_FILLED = range(3, 10)  # March to September: entered on 5 December, 3 to 9 months late
ENTERED = datetime(2026, 12, 5, 1, 0, tzinfo=VIETNAM)


def meetings(*, back_filled: bool) -> list[Fact]:
    """Both branches meet on the 10th of every month from January to November 2026, each meeting entered
    the next morning, or (``back_filled``) those of March to September all on 5 December."""
    facts = []
    for branch in BRANCHES:
        for month in range(1, 12):
            held = date(2026, month, 10)
            entered = datetime.combine(held + timedelta(days=1), time(8), VIETNAM)
            if back_filled and month in BACK_FILLED:
                entered = ENTERED
            event_id = f"mt-{branch}-{month:02d}"
            facts.append(
                Fact(event_id, "meeting", branch, event_id, held, entered, event_id, 8, 10, "periodic")
            )
    return facts


def indicator(result: UnitCompliance, indicator_id: str) -> IndicatorResult:
    return next(i for c in result.criteria for i in c.indicators if i.indicator_id == indicator_id)


def verdicts(result: UnitCompliance) -> list[tuple[str, str]]:
    return [("union", result.status.value)] + [
        (i.indicator_id, i.status.value) for c in result.criteria for i in c.indicators
    ]


def test_lateness_counts_vietnam_days_from_the_day_it_happened_to_the_day_it_was_recorded() -> None:
    held = date(2026, 10, 20)

    def recorded(instant: datetime) -> Fact:
        return Fact("f", "meeting", "b", "m", held, instant, "e")

    assert recorded(datetime(2026, 10, 20, 16, 59, tzinfo=UTC)).days_late == 0  # 23:59 in Vietnam
    assert recorded(datetime(2026, 10, 20, 17, 0, tzinfo=UTC)).days_late == 1  # 00:00 on the 21st
    assert recorded(datetime(2026, 12, 4, 18, 0, tzinfo=UTC)).days_late == 46  # 5 December
    assert recorded(datetime(2026, 10, 1, tzinfo=UTC)).days_late == 0  # entered ahead: not late


def test_back_filled_meetings_count_as_they_happened_but_are_marked_late() -> None:
    rules = load_rules()
    on_time = evaluate(rules, UNION, meetings(back_filled=False), 2026, AS_OF)
    back_filled = evaluate(rules, UNION, meetings(back_filled=True), 2026, AS_OF)
    assert verdicts(back_filled) == verdicts(on_time)
    assert indicator(back_filled, "C2.2").status.value == "pass"
    assert indicator(back_filled, "C2.2").evidence.numbers == indicator(on_time, "C2.2").evidence.numbers

    assert (
        indicator(on_time, "C2.2").evidence.late == [] and indicator(on_time, "C2.2").evidence.late_count == 0
    )
    assert "ghi nhận muộn" not in explain(on_time)
    evidence = indicator(back_filled, "C2.2").evidence
    assert evidence.late_count == 14 and evidence.late_longest_days == 270  # 10 March → 5 December
    assert {m.counts_as for m in evidence.late} == {LateCounting.COUNTED}
    march = next(m for m in evidence.late if m.event_id == "mt-dcs-1-b1-03")
    assert (march.occurred_on, march.recorded_on, march.days_late) == (
        date(2026, 3, 10),
        date(2026, 12, 5),
        270,
    )
    assert (march.kind, march.unit_id, march.indicator_id) == ("meeting", "dcs-1-b1", "C2.2")
    assert indicator(back_filled, "C2.3").evidence.late_count == 14  # attendance reads the same meetings
    assert "late: 14 events recorded up to 270 days after they happened" in indicator(
        back_filled, "C2.2"
    ).explain("en")
    assert (
        "mt-dcs-1-b1-03: ghi nhận muộn 270 ngày: sinh hoạt chi đoàn tại chi đoàn dcs-1-b1 ngày 10/03/2026, "
        "ghi nhận ngày 05/12/2026" in explain(back_filled)
    )
    assert (
        "mt-dcs-1-b1-03: recorded 270 days late: branch meeting in branch dcs-1-b1 on 10/03/2026, "
        "recorded on 05/12/2026" in explain(back_filled, lang="en")
    )


def test_what_was_known_before_the_back_fill_still_misses_those_months() -> None:
    known = AsOf(AS_OF.day, known_at=datetime(2026, 12, 1, tzinfo=VIETNAM))
    before = evaluate(load_rules(), UNION, meetings(back_filled=True), 2026, known)
    assert indicator(before, "C2.2").status.value == "fail"
    assert indicator(before, "C2.2").evidence.late == []


def test_evidence_is_marked_only_beyond_the_rules_days() -> None:
    facts = meetings(back_filled=False)
    strict = parse_rules("extends: default\nid: strict\nlate_marked_after_days: 0\n")
    assert indicator(evaluate(strict, UNION, facts, 2026, AS_OF), "C2.2").evidence.late_count == 22
    assert indicator(evaluate(load_rules(), UNION, facts, 2026, AS_OF), "C2.2").evidence.late_count == 0


PROVINCE = """extends: default
id: bg-late
province: bg
criteria:
  - id: 2
    indicators:
      - id: C2.2
        late_limit: {days: 60, counts_as: COUNTS_AS}
"""


def book(tmp_path: Path, counts_as: str) -> RuleBook:
    (tmp_path / "bg.yaml").write_text(PROVINCE.replace("COUNTS_AS", counts_as))
    return RuleBook.load(tmp_path)


def judged(rules: RuleBook, path: str, *, back_filled: bool) -> IndicatorResult:
    union = UnionView(UNION.unit_id, UNION.unit_type, UNION.branches, path=path, opened_on=UNION.opened_on)
    result = evaluate(rules.for_path(path), union, meetings(back_filled=back_filled), 2026, AS_OF)
    return indicator(result, "C2.2")


def test_a_province_counts_meetings_recorded_more_than_60_days_late_only_as_at_risk(tmp_path: Path) -> None:
    rules = book(tmp_path, "at_risk")
    bg, elsewhere = "vn.bg.bg-pl.dcs-1", "vn.hn.hn-bd.dcs-1"
    assert judged(rules, bg, back_filled=False).status.value == "pass"
    limited = judged(rules, bg, back_filled=True)
    assert limited.status.value == "at_risk"
    assert "14 events recorded more than 60 days late count only as at risk (without them: Fail)" in (
        limited.explain("en")
    )
    assert limited.explanation_message is not None
    assert (
        "14 minh chứng ghi nhận muộn quá 60 ngày chỉ được tính là có nguy cơ (nếu không tính chúng: Không đạt)"
        in (limited.explanation_message.render("vi"))
    )
    assert {m.counts_as for m in limited.evidence.late} == {LateCounting.AT_RISK}
    assert limited.evidence.event_count == 22  # they are still the evidence, marked
    assert limited.closes_on is not None
    # Another province keeps the default: counted, marked.
    default = judged(rules, elsewhere, back_filled=True)
    assert default.status.value == "pass"
    assert {m.counts_as for m in default.evidence.late} == {LateCounting.COUNTED}


def test_a_province_may_leave_late_evidence_out_altogether(tmp_path: Path) -> None:
    rules = book(tmp_path, "not_counted")
    limited = judged(rules, "vn.bg.bg-pl.dcs-1", back_filled=True)
    assert limited.status.value == "fail"
    assert limited.evidence.event_count == 8  # January, February, October, November
    assert limited.evidence.late_count == 14
    assert {m.counts_as for m in limited.evidence.late} == {LateCounting.NOT_COUNTED}
    assert "branch dcs-1-b1: no branch meeting recorded for 3/2026" in [
        m.render("en") for m in limited.missing
    ]
    assert judged(rules, "vn.bg.bg-pl.dcs-1", back_filled=False).status.value == "pass"


def test_evidence_within_the_limit_counts_fully(tmp_path: Path) -> None:
    (tmp_path / "bg.yaml").write_text(PROVINCE.replace("60", "300").replace("COUNTS_AS", "not_counted"))
    within = judged(RuleBook.load(tmp_path), "vn.bg.bg-pl.dcs-1", back_filled=True)
    assert within.status.value == "pass"
    assert {m.counts_as for m in within.evidence.late} == {LateCounting.COUNTED}


def test_a_unit_type_may_have_its_own_limit() -> None:
    rules = parse_rules(
        "extends: default\nid: t\ncriteria:\n  - id: 2\n    indicators:\n      - id: C2.2\n"
        "        overrides: {school: {late_limit: {days: 60, counts_as: not_counted}}}\n"
    )
    school = UnionView("s", UnitType.SCHOOL, UNION.branches, opened_on=UNION.opened_on)
    facts = meetings(back_filled=True)
    assert (
        indicator(evaluate(rules, school, facts, 2027, AsOf(date(2026, 12, 10))), "C2.2")
        .evidence.late[0]
        .counts_as
        is LateCounting.NOT_COUNTED
    )
    assert indicator(evaluate(rules, UNION, facts, 2026, AS_OF), "C2.2").status.value == "pass"


@pytest.mark.parametrize(
    ("patch", "points_at", "accepted"),
    [
        ("late_limit: {days: 60, counts_as: counted}", "C2.2: late_limit.counts_as", "'at_risk' or 'not_counted'"),
        ("late_limit: {days: -5, counts_as: at_risk}", "C2.2: late_limit.days", "greater than or equal to 0"),
        ("late_limit: {days: sixty, counts_as: at_risk}", "C2.2: late_limit.days", "valid integer"),
        ("late_limit: {days: 60}", "C2.2: late_limit", "counts_as missing; accepted: {days: N (0 or more), counts_as: at_risk or not_counted}"),
        ("late_limit: {days: 60, counts_as: at_risk, grace: 5}", "C2.2: late_limit.grace", "Extra inputs"),
        ("late_limit: 60", "C2.2: late_limit", "60 is not a limit; accepted: {days: N"),
    ],
)  # fmt: skip
def test_a_bad_late_limit_is_refused_naming_the_key_and_what_is_accepted(
    patch: str, points_at: str, accepted: str
) -> None:
    text = f"extends: default\nid: broken\ncriteria:\n  - id: 2\n    indicators:\n      - id: C2.2\n        {patch}\n"
    with pytest.raises(RulesError) as refused:
        parse_rules(text, "bg.yaml")
    assert str(refused.value).startswith(f"bg.yaml: {points_at}: "), str(refused.value)
    assert accepted in str(refused.value)


def test_the_roster_cannot_be_limited_and_the_marking_days_must_be_a_count() -> None:
    with pytest.raises(RulesError) as refused:
        parse_rules(
            "extends: default\nid: x\ncriteria:\n  - id: 1\n    indicators:\n      - id: C1.1\n"
            "        late_limit: {days: 60, counts_as: at_risk}\n",
            "bg.yaml",
        )
    assert str(refused.value).startswith(
        "bg.yaml: C1.1: late_limit: measure 'roster_complete' reads the roster"
    )
    with pytest.raises(RulesError) as refused:
        parse_rules("extends: default\nid: x\nlate_marked_after_days: -1\n", "bg.yaml")
    assert "late_marked_after_days" in str(refused.value) and "greater than or equal to 0" in str(
        refused.value
    )
