"""Evaluating a union: each indicator from its facts, each criterion, and "3 chủ động" overall.

Pure: the same facts, rules, tree and date always give the same answer, which is
what lets the live projection, a rebuild and ``chudong replay`` agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from services.evaluation.domain.counting import Context, Part, count_requirement
from services.evaluation.domain.facts import Fact
from services.evaluation.domain.lateness import Late, LateIndex, late_evidence, late_text
from services.evaluation.domain.measures import MEASURES
from services.evaluation.domain.results import (
    MAX_EVENT_IDS,
    MAX_MISSING,
    CriterionResult,
    Evidence,
    IndicatorResult,
    UnitCompliance,
    worst,
)
from services.evaluation.domain.rules import Criterion, Indicator, RuleSet
from services.evaluation.domain.units import BranchView, UnionView
from services.evaluation.domain.wording import STATUS, joined
from shared.contracts.evaluation import LateCounting, Missing, Status
from shared.i18n import Message, _, _n

__all__ = ["AsOf", "BranchView", "UnionView", "evaluate"]


@dataclass(frozen=True, slots=True)
class AsOf:
    """The date to evaluate on and which facts count: those that happened by then, or were known at ``known_at``.

    ``due_so_far`` judges the day as a month's point of the trend does: at its close, on what was due by
    then, the same way for monthly, quarterly and annual indicators. A period that closes by the day is
    judged met or missed; one that closes later is not due yet, so it neither warns (no "at risk" window)
    nor leaves the indicator "not assessed": an indicator is on track (pass) while everything due so far
    was done, at risk when what it measures now falls short (a roster incomplete today), failed when
    something due was missed beyond what the rules allow. The live view (``due_so_far`` false) warns of
    the deadlines of the coming days instead.
    """

    day: date
    known_at: datetime | None = None
    due_so_far: bool = False

    def admits(self, fact: Fact) -> bool:
        if self.known_at is not None and fact.recorded_at > self.known_at:
            return False
        return fact.on <= self.day


@dataclass(slots=True)
class _Acc:
    statuses: list[Status] = field(default_factory=list)
    numbers: dict[str, float] = field(default_factory=dict)
    labels: dict[str, Message] = field(default_factory=dict)
    event_ids: list[str] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    texts: list[Message] = field(default_factory=list)


def _parts(ctx: Context, indicator: Indicator) -> list[Part]:
    parts = [count_requirement(ctx, r) for r in indicator.requirements]
    if indicator.measure != "count":
        parts.append(MEASURES[indicator.measure](ctx))
    return parts


def _indicator(ctx: Context, indicator: Indicator, criterion: int, late: LateIndex) -> IndicatorResult:
    opened = ctx.union.opened_on
    if opened is not None and ctx.as_of < opened:
        text = _("the union was registered on {day}, after this day", day=opened.isoformat())
        return _result(ctx, indicator, criterion, [Part(Status.NOT_ASSESSED, text)], [])
    parts = _parts(ctx, indicator)
    limit = indicator.late_limit
    found = late.find((e for p in parts for e in p.event_ids), ctx.rules.late_marked_after_days, limit)
    beyond = sum(1 for f in found if f.beyond_limit)
    if limit is None or not beyond:
        return _result(ctx, indicator, criterion, parts, found)
    timely = _parts(replace(ctx, late_limit=limit.days), indicator)
    if limit.counting is LateCounting.NOT_COUNTED:
        text = _n(
            "{n} event recorded more than {days} days late: not counted",
            "{n} events recorded more than {days} days late: not counted",
            beyond,
            days=limit.days,
        )
        return _result(ctx, indicator, criterion, timely, found, text)
    # At risk at most: the worse of the verdict with them and without them, a fail without them at risk.
    with_them, without = worst([p.status for p in parts]), worst([p.status for p in timely])
    capped = Status.AT_RISK if without is Status.FAIL else without
    status = worst([with_them, capped])
    text = _n(
        "{n} event recorded more than {days} days late counts only as at risk (without it: {without})",
        "{n} events recorded more than {days} days late count only as at risk (without them: {without})",
        beyond,
        days=limit.days,
        without=STATUS[without],
    )
    if status is with_them:
        return _result(ctx, indicator, criterion, parts, found, text)
    return _result(ctx, indicator, criterion, parts, found, text, status, _closes(timely))


def _closes(parts: list[Part]) -> date | None:
    closes = [p.closes_on for p in parts if p.closes_on is not None and p.status is not Status.PASS]
    return min(closes) if closes else None


def _result(
    ctx: Context,
    indicator: Indicator,
    criterion: int,
    parts: list[Part],
    late: list[Late],
    late_rule: Message | None = None,
    status: Status | None = None,
    closes_on: date | None = None,
) -> IndicatorResult:
    acc = _Acc()
    for part in parts:
        acc.statuses.append(part.status)
        for key, (label, value) in part.figures.items():
            acc.numbers[key], acc.labels[key] = value, label
        acc.event_ids.extend(part.event_ids)
        acc.missing.extend(part.missing)
        acc.texts.append(_("{status}: {text}", status=STATUS[part.status], text=part.text))
    ids = sorted(set(acc.event_ids))
    explanation = joined([t for t in (*acc.texts, late_text(late), late_rule) if t is not None])
    return IndicatorResult(
        indicator_id=indicator.id,
        name=indicator.name,
        criterion=criterion,
        core=indicator.core,
        status=status or worst(acc.statuses),
        closes_on=closes_on or _closes(parts),
        evidence=Evidence(
            numbers=acc.numbers,
            labels=acc.labels,
            event_ids=ids[:MAX_EVENT_IDS],
            event_count=len(ids),
            late=late_evidence(indicator.id, late, indicator.late_limit, ctx.name_of),
            late_count=len(late),
            late_longest_days=max((f.days for f in late), default=0),
        ),
        missing=acc.missing[:MAX_MISSING],
        explanation_message=explanation,
    )


def _criterion(criterion: Criterion, results: list[IndicatorResult]) -> CriterionResult:
    core = [r.status for r in results if r.core]
    optional = [r.status for r in results if not r.core]
    passed = optional.count(Status.PASS)
    possible = sum(1 for s in optional if s is not Status.FAIL)
    need = criterion.min_optional
    if Status.FAIL in core or possible < need:
        status = Status.FAIL
    elif Status.AT_RISK in core or (passed < need and passed + optional.count(Status.NOT_ASSESSED) < need):
        status = Status.AT_RISK
    elif Status.NOT_ASSESSED in core or passed < need:
        status = Status.NOT_ASSESSED
    else:
        status = Status.PASS
    failing = [r.indicator_id for r in results if r.core and r.status is not Status.PASS]
    text = _(
        "core indicators not passing: {failing}; optional indicators passed: {passed} ({needed} needed)",
        failing=", ".join(failing) if failing else _("none"),
        passed=passed,
        needed=need,
    )
    return CriterionResult(
        criterion=criterion.id,
        name=criterion.name,
        status=status,
        min_optional=need,
        optional_passed=passed,
        indicators=results,
        explanation_message=text,
    )


def evaluate(rules: RuleSet, union: UnionView, facts: list[Fact], year: int, as_of: AsOf) -> UnitCompliance:
    """The union's compliance for ``year`` on ``as_of.day``, from the facts ``as_of`` admits."""
    by_kind: dict[str, list[Fact]] = defaultdict(list)
    admitted = [f for f in sorted(facts, key=lambda f: (f.on, f.recorded_at, f.fact_id)) if as_of.admits(f)]
    for fact in admitted:
        by_kind[fact.kind].append(fact)
    late = LateIndex.of(admitted)
    start, end = rules.year_bounds(year, union.unit_type)
    criteria = []
    for criterion in rules.criteria:
        results = []
        for declared in criterion.indicators:
            indicator = declared.for_unit_type(union.unit_type)
            if not indicator.enabled:
                continue
            ctx = Context(
                rules, union, year, as_of.day, start, end, indicator, by_kind, due_so_far=as_of.due_so_far
            )
            results.append(_indicator(ctx, indicator, criterion.id, late))
        criteria.append(_criterion(criterion, results))
    return UnitCompliance(
        unit_id=union.unit_id,
        name=union.name,
        unit_type=union.unit_type.value,
        year=year,
        as_of=as_of.day,
        basis="known" if as_of.known_at is not None else "happened",
        known_at=as_of.known_at,
        rules_id=rules.id,
        status=worst([c.status for c in criteria]),
        criteria=criteria,
    )
