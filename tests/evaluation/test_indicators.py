"""Each default indicator passes, is at risk and fails on the histories of ``indicator_cases``,
and its explanation says why."""

from __future__ import annotations

from datetime import date

import pytest

from services.evaluation.domain.evaluate import AsOf, evaluate
from services.evaluation.domain.explain import explain, mark
from services.evaluation.domain.results import IndicatorResult, UnitCompliance
from services.evaluation.domain.rules import load_rules, parse_rules
from services.evaluation.domain.units import BranchView, UnionView
from shared.contracts.org import UnitType
from tests.evaluation.indicator_cases import CASES, Case

UNION = UnionView(
    "u", UnitType.COMMUNE_WARD, (BranchView("b1", date(2025, 1, 1)), BranchView("b2", date(2025, 1, 1)))
)
# The default rules with the opt-in indicator C3.7 enabled, as a province would.
RULES = parse_rules(
    "extends: default\nid: t\ncriteria:\n  - id: 3\n    indicators:\n      - {id: C3.7, enabled: true}\n"
)


def judged(case: Case) -> tuple[UnitCompliance, IndicatorResult]:
    result = evaluate(RULES, UNION, list(case.facts), 2026, AsOf(case.as_of))
    found = next(i for c in result.criteria for i in c.indicators if i.indicator_id == case.indicator)
    return result, found


def test_every_default_indicator_has_a_passing_an_at_risk_and_a_failing_history() -> None:
    ids = {i.id for c in load_rules().criteria for i in c.indicators}
    covered = {(c.indicator, c.expected) for c in CASES}
    assert covered == {(i, s) for i in ids for s in ("pass", "at_risk", "fail")}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.indicator}-{c.expected}" for c in CASES])
def test_indicator_status_and_its_explanation(case: Case) -> None:
    result, indicator = judged(case)
    assert indicator.status.value == case.expected, indicator.explain("en")
    text = explain(result)
    assert (
        f"{case.indicator} [" in text
        and mark(case.expected) in text.split(f"{case.indicator} [")[1].splitlines()[0]
    )
    if case.expected == "pass":
        assert indicator.evidence.event_count > 0 or not case.facts or case.indicator in {"C1.5", "C1.8"}
    else:
        assert indicator.missing, f"{case.indicator} {case.expected} must say what is missing"
        first = indicator.missing[0]
        assert first.message is not None and first.message.render("vi") in text
        assert first.render("en") == first.model_dump()["description"] in explain(result, lang="en")


def test_a_criterion_passes_only_with_every_core_and_enough_optional_indicators() -> None:
    by_indicator = {c.indicator: c for c in CASES if c.expected == "pass" and c.indicator.startswith("C3")}
    facts = [f for c in by_indicator.values() for f in c.facts]
    result = evaluate(RULES, UNION, facts, 2026, AsOf(date(2027, 1, 2)))
    assert result.criterion_status(3).value == "pass"
    without_core = [f for f in facts if f.kind != "dialogue" and f.kind != "advisory_outcome"]
    assert (
        evaluate(RULES, UNION, without_core, 2026, AsOf(date(2027, 1, 2))).criterion_status(3).value == "fail"
    )


def test_a_union_is_not_assessed_on_days_before_it_was_registered() -> None:
    opened = UnionView("u", UnitType.COMMUNE_WARD, UNION.branches, opened_on=date(2026, 3, 1))
    before = evaluate(RULES, opened, [], 2026, AsOf(date(2026, 2, 15)))
    assert before.status.value == "not_assessed"
    indicators = [i for c in before.criteria for i in c.indicators]
    assert {i.status.value for i in indicators} == {"not_assessed"}
    assert "registered on 01/03/2026" in indicators[0].explain("en")
    # From the day it was registered it is judged as any union (no meeting since then: not passing).
    after = evaluate(RULES, opened, [], 2026, AsOf(date(2026, 6, 15)))
    assert after.status.value != "not_assessed"


def test_a_union_founded_late_in_the_year_owes_nothing_that_fell_due_before_it_existed() -> None:
    founded = UnionView("u", UnitType.COMMUNE_WARD, (), opened_on=date(2026, 12, 1))
    result = evaluate(RULES, founded, [], 2026, AsOf(date(2026, 12, 8)))
    by_id = {i.indicator_id: i for c in result.criteria for i in c.indicators}
    # The plan owed to the Party committee by 31 January, the model registered by 10 November before.
    assert by_id["C3.1"].status.value == "not_assessed"
    assert "no plan submitted to the Party committee due since the union was founded" in by_id[
        "C3.1"
    ].explain("en")
    # Of the quarterly reports only the fourth quarter's, of the monthly tasks only December's.
    assert by_id["C2.7"].evidence.numbers["periodic report: periods"] == 1
    assert by_id["C2.6"].evidence.numbers["monthly task assignment: needed"] == 1
    assert result.status.value == "at_risk"  # what is still open, not what was due before it existed
