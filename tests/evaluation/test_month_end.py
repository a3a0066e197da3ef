"""A month's point of the trend: each indicator judged at the month's close on what was due by then,
the same way whether its period is a month, a quarter or the year."""

from __future__ import annotations

from datetime import date

from services.evaluation.app.history import month_ends
from services.evaluation.domain.evaluate import AsOf, evaluate
from services.evaluation.domain.facts import Fact
from services.evaluation.domain.rules import load_rules
from tests.evaluation.indicator_cases import F, _meetings, _members, _tagged, d
from tests.evaluation.test_indicators import UNION

RULES = load_rules()
ENDS = month_ends(2026, date(2026, 12, 31))


def statuses(indicator: str, facts: list[Fact], *, due_so_far: bool = True) -> dict[int, str]:
    """The indicator's status at the end of each month of 2026, by month."""
    found = {}
    for end in ENDS:
        result = evaluate(RULES, UNION, facts, 2026, AsOf(end, due_so_far=due_so_far))
        found[end.month] = next(
            i.status.value for c in result.criteria for i in c.indicators if i.indicator_id == indicator
        )
    return found


def months(status: str, *numbers: int) -> dict[int, str]:
    return dict.fromkeys(numbers, status)


def test_a_monthly_indicator_is_on_track_from_january_and_fails_once_the_misses_exceed_the_allowance() -> (
    None
):
    # Two branches, 24 branch-months, 22 needed: branch 2 stops meeting after June.
    facts = [*_meetings("b1", range(1, 13)), *_meetings("b2", range(1, 7))]
    assert statuses("C2.2", facts) == {**months("pass", *range(1, 9)), **months("fail", 9, 10, 11, 12)}
    # The live view on 31 January: no month had closed yet, so nothing was judged.
    assert statuses("C2.2", facts, due_so_far=False)[1] == "not_assessed"


def test_a_quarterly_report_is_due_after_its_grace_days_not_at_the_quarters_last_day() -> None:
    # Reports for Q1 and Q3 on the 5th of the month after; Q2's is never sent (due 10 July).
    reports = _tagged("periodic_report", ["2026-Q1", "2026-Q3"])
    reviews = [F("review_held", d(7, 1), number=2026), F("review_held", d(12, 20), number=2026)]
    assert statuses("C2.7", [*reports, *reviews]) == {
        **months("pass", *range(1, 7)),
        **months("fail", *range(7, 13)),
    }
    # Live, 31 March warns of the report due on 10 April; a month's point waits until it is due.
    assert statuses("C2.7", [*reports, *reviews], due_so_far=False)[3] == "at_risk"


def test_an_annual_indicator_is_on_track_until_its_deadline_then_met_or_missed() -> None:
    submitted = [F("self_assessment", d(12, 1), number=2026)]
    assert statuses("C2.8", submitted) == months("pass", *range(1, 13))
    assert statuses("C2.8", []) == {**months("pass", *range(1, 12)), 12: "fail"}
    live = statuses("C2.8", [], due_so_far=False)
    assert live[1] == live[9] == "not_assessed" and live[10] == live[11] == "at_risk"


def test_what_is_measured_now_and_falls_short_is_at_risk_at_every_month_end_until_the_year_closes() -> None:
    # A fifth of the roster lacks required fields all year: at risk, not "not assessed", every month
    # until the year's last day closes it.
    roster = _members(10, 2)
    assert statuses("C1.1", roster) == {**months("at_risk", *range(1, 12)), 12: "fail"}
    assert statuses("C1.1", roster, due_so_far=False)[6] == "not_assessed"


def test_no_month_of_an_ordinary_year_is_not_assessed_merely_because_a_period_is_open() -> None:
    facts = [
        *_members(20, 0),
        *_meetings("b1", range(1, 13)),
        *_meetings("b2", range(1, 13)),
        *_tagged("periodic_report", [f"2026-Q{q}" for q in range(1, 4)]),
    ]
    for end in ENDS:
        result = evaluate(RULES, UNION, facts, 2026, AsOf(end, due_so_far=True))
        assert result.status.value != "not_assessed", (end, result.criteria)
        assert {c.criterion: c.status.value for c in result.criteria}[2] in ("pass", "fail"), end
