"""The plan's lifecycle, without I/O: it cannot be skipped or reversed, whatever the order of commands."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from services.planning.domain import plans as rules
from shared.contracts.org import OrgUnit, UnitLevel, UnitStatus, UnitType
from shared.contracts.planning import PlanKind, SubmittedTo
from shared.errors import DomainError
from shared.events import Event

TODAY = date(2026, 12, 20)


def unit(unit_id: str, path: str, level: UnitLevel) -> OrgUnit:
    return OrgUnit(
        unit_id,
        path.rsplit(".", 1)[0] if "." in path else None,
        path,
        unit_id,
        level,
        UnitType.COMMUNE_WARD,
        UnitStatus.ACTIVE,
        None,
        datetime(2026, 1, 1, tzinfo=UTC),
        None,
    )


UNION = unit("pl-x", "vn.bg.bg-pl.pl-x", UnitLevel.GRASSROOTS)
DISTRICT = unit("bg-pl", "vn.bg.bg-pl", UnitLevel.DISTRICT)

# The only moves the lifecycle allows, from each status.
ALLOWED = {
    None: {"draft"},
    rules.PlanStatus.DRAFTED: {"draft", "submit"},
    rules.PlanStatus.SUBMITTED: {"approve", "return"},
    rules.PlanStatus.RETURNED: {"draft", "submit"},
    rules.PlanStatus.APPROVED: set(),
}


def decide(plan: rules.Plan | None, action: str) -> Event:
    on = date(2026, 1, 10)
    if action == "draft":
        return rules.draft_plan(
            existing=plan, unit=UNION, year=2026, kind=PlanKind.ANNUAL_PLAN, title="KH", targets=()
        )
    if plan is None:
        raise DomainError("no plan", rule="unknown_plan")
    if action == "submit":
        return rules.submit_plan(plan, submitted_to=SubmittedTo.UPPER_LEVEL, submitted_on=on, today=TODAY)
    if action == "approve":
        return rules.approve_plan(plan, unit=UNION, decider=DISTRICT, approved_on=on, today=TODAY)
    return rules.return_plan(
        plan, unit=UNION, decider=DISTRICT, returned_on=on, reasons=["thiếu"], today=TODAY
    )


@given(st.lists(st.sampled_from(["draft", "submit", "approve", "return"]), max_size=12))
def test_only_the_lifecycles_moves_are_accepted_and_approval_is_final(actions: list[str]) -> None:
    history: list[Event] = []
    statuses: list[rules.PlanStatus] = []
    for action in actions:
        plan = rules.Plan.replay(history)
        status = plan.status if plan is not None else None
        try:
            event = decide(plan, action)
        except DomainError:
            assert action not in ALLOWED[status], (status, action)
            continue
        assert action in ALLOWED[status], (status, action)
        history.append(event)
        after = rules.Plan.replay(history)
        assert after is not None
        statuses.append(after.status)
    if rules.PlanStatus.APPROVED in statuses:
        first = statuses.index(rules.PlanStatus.APPROVED)
        assert statuses[first - 1] is rules.PlanStatus.SUBMITTED
        assert statuses[first:] == [rules.PlanStatus.APPROVED]
