"""Evaluating a union: each indicator from its facts, each criterion, and "3 chủ động" overall.

Pure: the same facts, rules, tree and date always give the same answer, which is
what lets the live projection, a rebuild and ``chudong replay`` agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from services.evaluation.domain.counting import Context, Part, count_requirement
from services.evaluation.domain.facts import Fact
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

__all__ = ["AsOf", "BranchView", "UnionView", "evaluate"]
from shared.contracts.evaluation import Missing, Status


@dataclass(frozen=True, slots=True)
class AsOf:
    """The date to evaluate on and which facts count: those that happened by then, or were known at ``known_at``."""

    day: date
    known_at: datetime | None = None

    def admits(self, fact: Fact) -> bool:
        if self.known_at is not None and fact.recorded_at > self.known_at:
            return False
        return fact.on <= self.day


@dataclass(slots=True)
class _Acc:
    statuses: list[Status] = field(default_factory=list)
    numbers: dict[str, float] = field(default_factory=dict)
    event_ids: list[str] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    closes: list[date] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def _indicator(ctx: Context, indicator: Indicator, criterion: int) -> IndicatorResult:
    opened = ctx.union.opened_on
    if opened is not None and ctx.as_of < opened:
        parts: list[Part] = [
            Part(Status.NOT_ASSESSED, f"the union was registered on {opened.isoformat()}, after this day")
        ]
        return _result(indicator, criterion, parts)
    parts = [count_requirement(ctx, r) for r in indicator.requirements]
    if indicator.measure != "count":
        parts.append(MEASURES[indicator.measure](ctx))
    return _result(indicator, criterion, parts)


def _result(indicator: Indicator, criterion: int, parts: list[Part]) -> IndicatorResult:
    acc = _Acc()
    for part in parts:
        acc.statuses.append(part.status)
        acc.numbers.update(part.numbers)
        acc.event_ids.extend(part.event_ids)
        acc.missing.extend(part.missing)
        acc.texts.append(f"{part.status.value}: {part.text}")
        if part.closes_on is not None and part.status is not Status.PASS:
            acc.closes.append(part.closes_on)
    ids = sorted(set(acc.event_ids))
    return IndicatorResult(
        indicator_id=indicator.id,
        name=indicator.name,
        criterion=criterion,
        core=indicator.core,
        status=worst(acc.statuses),
        closes_on=min(acc.closes) if acc.closes else None,
        evidence=Evidence(numbers=acc.numbers, event_ids=ids[:MAX_EVENT_IDS], event_count=len(ids)),
        missing=acc.missing[:MAX_MISSING],
        explanation="; ".join(acc.texts),
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
    text = f"core indicators not passing: {', '.join(failing) or 'none'}; optional passed {passed} of {need} needed"
    return CriterionResult(
        criterion=criterion.id,
        name=criterion.name,
        status=status,
        min_optional=need,
        optional_passed=passed,
        indicators=results,
        explanation=text,
    )


def evaluate(rules: RuleSet, union: UnionView, facts: list[Fact], year: int, as_of: AsOf) -> UnitCompliance:
    """The union's compliance for ``year`` on ``as_of.day``, from the facts ``as_of`` admits."""
    by_kind: dict[str, list[Fact]] = defaultdict(list)
    for fact in sorted(facts, key=lambda f: (f.on, f.recorded_at, f.fact_id)):
        if as_of.admits(fact):
            by_kind[fact.kind].append(fact)
    start, end = rules.year_bounds(year, union.unit_type)
    criteria = []
    for criterion in rules.criteria:
        results = []
        for declared in criterion.indicators:
            indicator = declared.for_unit_type(union.unit_type)
            if not indicator.enabled:
                continue
            ctx = Context(rules, union, year, as_of.day, start, end, indicator, by_kind)
            results.append(_indicator(ctx, indicator, criterion.id))
        criteria.append(_criterion(criterion, results))
    return UnitCompliance(
        unit_id=union.unit_id,
        unit_type=union.unit_type.value,
        year=year,
        as_of=as_of.day,
        basis="known" if as_of.known_at is not None else "happened",
        known_at=as_of.known_at,
        rules_id=rules.id,
        status=worst([c.status for c in criteria]),
        criteria=criteria,
    )
