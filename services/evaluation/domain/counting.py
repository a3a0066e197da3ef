"""Countable requirements: at least N facts of some kinds per period, for the union or each branch.

A requirement is split into slots (a period, or a branch and a period). A slot
is satisfied, failed (closed without enough), open or still to come. The
requirement fails when more slots failed than the threshold allows, is at risk
when the open slots that close within the window would tip it over, and passes
when enough slots are satisfied (or, for monthly, quarterly and half-yearly
requirements, while every closed slot so far is within the allowance).

Judged "due so far" (a month's point of the trend, ``Context.due_so_far``), a slot
that closes on the day is closed, one that closes later is not due yet: the
requirement is on track (pass) while the slots due so far are within the
allowance, whatever its period, and no window makes it "at risk".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from services.evaluation.domain.facts import Fact
from services.evaluation.domain.periods import Period, sub_periods
from services.evaluation.domain.results import MAX_MISSING
from services.evaluation.domain.rules import Indicator, Requirement, RuleSet
from services.evaluation.domain.units import BranchView, UnionView
from services.evaluation.domain.wording import named, period
from shared.contracts.evaluation import Missing, Status
from shared.i18n import Message, _

Figures = dict[str, tuple[Message, float]]
"""The numbers behind a verdict: each by its stable key (English), with its name as a message."""


@dataclass(frozen=True, slots=True)
class Context:
    rules: RuleSet
    union: UnionView
    year: int
    as_of: date
    start: date
    end: date
    indicator: Indicator
    by_kind: dict[str, list[Fact]]
    late_limit: int | None = None  # facts recorded more days late than this are left out of the count
    due_so_far: bool = False  # judged at the day's close on what was due by then (see evaluate.AsOf)

    def facts(self, *kinds: str) -> list[Fact]:
        """The facts of ``kinds`` the indicator counts (the roster reads ``by_kind`` whole)."""
        found = [f for k in kinds for f in self.by_kind.get(k, ())]
        if self.late_limit is None:
            return found
        return [f for f in found if f.days_late <= self.late_limit]

    def window(self, per: str) -> int:
        if self.indicator.at_risk_days is not None:
            return self.indicator.at_risk_days
        return self.rules.at_risk_days.get(per, 0)

    def closed(self, closes_on: date) -> bool:
        """Whether a period that closes on ``closes_on`` is over: after that day, or at its close when
        judged due so far."""
        return self.as_of > closes_on or (self.due_so_far and self.as_of >= closes_on)

    def in_year(self, fact: Fact) -> bool:
        return self.start <= fact.on <= self.end

    def name_of(self, unit_id: str) -> str | Message:
        """The union or branch by its name; by its id where the tree has no name for it."""
        return self.union.name_of(unit_id) or (
            unit_id if unit_id == self.union.unit_id else _("branch {unit}", unit=unit_id)
        )

    def missing(self, message: Message, unit_id: str | None = None, period: str | None = None) -> Missing:
        """What is missing, as a message (its English ``description`` is written out with it)."""
        return Missing(indicator_id=self.indicator.id, unit_id=unit_id, period=period, message=message)


@dataclass(slots=True)
class Part:
    """The verdict of one requirement or measure of an indicator, with its evidence."""

    status: Status
    text: Message
    figures: Figures = field(default_factory=dict)
    event_ids: list[str] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    closes_on: date | None = None


def nothing_due(ctx: Context) -> Status:
    """Nothing to judge yet: on track when judged due so far (within the year), else not assessed."""
    return Status.PASS if ctx.due_so_far and ctx.as_of >= ctx.start else Status.NOT_ASSESSED


def judge(ok: bool, ctx: Context, closes_on: date, per: str = "Y", *, now: bool = False) -> Status:
    """A verdict judged when ``closes_on`` passes: pass, fail, at risk in the window, else not yet assessed.

    ``now`` says the measure is of what is due so far (a share of the roster today, of the activities
    planned by today): judged due so far, falling short of it is "at risk" before the period closes;
    a measure of what is due only when the period closes (the year's ratings) is on track until then.
    """
    if ok:
        return Status.PASS
    if ctx.closed(closes_on):
        return Status.FAIL
    if ctx.as_of < ctx.start:
        return Status.NOT_ASSESSED
    if ctx.due_so_far:
        return Status.AT_RISK if now else Status.PASS
    if (closes_on - ctx.as_of).days <= ctx.window(per):
        return Status.AT_RISK
    return Status.NOT_ASSESSED


def deadline_of(ctx: Context, month_day: str, year_offset: int) -> date:
    """The first ``MM-DD`` on or after the year's start, moved by ``year_offset`` years."""
    month, day = (int(x) for x in month_day.split("-"))
    candidate = date(ctx.start.year, month, day)
    if candidate < ctx.start:
        candidate = date(ctx.start.year + 1, month, day)
    return candidate.replace(year=candidate.year + year_offset)


@dataclass(frozen=True, slots=True)
class _Slot:
    branch: BranchView | None
    period: Period
    closes: date


def _periods(ctx: Context, req: Requirement) -> list[Period]:
    if req.by is None:
        return sub_periods(ctx.start, ctx.end, req.per, ctx.year)
    deadline = deadline_of(ctx, req.by, req.by_year_offset)
    return [Period(f"by {deadline.isoformat()}", min(ctx.start, deadline), deadline)]


def _matches(ctx: Context, req: Requirement, slot: _Slot, fact: Fact) -> bool:
    if slot.branch is not None and fact.unit_id != slot.branch.unit_id:
        return False
    if req.period_from_tag:
        return fact.tag == slot.period.label and fact.on <= slot.closes
    if req.by is not None:
        return fact.on <= slot.period.end and (req.year_field or fact.on >= ctx.start)
    if req.year_field and req.per == "Y":
        return True
    return slot.period.contains(fact.on)


def _slots(ctx: Context, req: Requirement) -> list[_Slot]:
    grace = timedelta(days=req.grace_days)
    periods = _periods(ctx, req)
    if not req.per_branch:
        # A period that ended before the union was founded asked nothing of it (a union founded in
        # December owed no plan to the Party committee by 31 January), as a branch's count from its own.
        opened = ctx.union.opened_on
        return [_Slot(None, p, p.end + grace) for p in periods if opened is None or opened <= p.end]
    return [
        _Slot(b, p, p.end + grace)
        for b in ctx.union.branches
        for p in periods
        if b.opened_on <= p.end and (b.closed_on is None or b.closed_on >= p.start)
    ]


def _missing(ctx: Context, req: Requirement, slot: _Slot, count: int) -> Missing:
    what = named(req.label)
    if req.by is not None:
        deadline = slot.period.end.isoformat()
        text = (
            _(
                "{count} of {min} {what} recorded by {deadline}",
                count=count,
                min=req.min,
                what=what,
                deadline=deadline,
            )
            if count
            else _("no {what} recorded by {deadline}", what=what, deadline=deadline)
        )
    else:
        when = period(slot.period.label)
        text = (
            _(
                "{count} of {min} {what} recorded for {period}",
                count=count,
                min=req.min,
                what=what,
                period=when,
            )
            if count
            else _("no {what} recorded for {period}", what=what, period=when)
        )
    if slot.branch is None:
        return ctx.missing(text, unit_id=ctx.union.unit_id, period=slot.period.label)
    where = _("{branch}: {missing}", branch=ctx.name_of(slot.branch.unit_id), missing=text)
    return ctx.missing(where, unit_id=slot.branch.unit_id, period=slot.period.label)


@cache
def _figure_names(label: str, per_branch: bool) -> tuple[tuple[str, Message], ...]:
    """The keys and names of a requirement's figures (the same for every union)."""
    what = named(label)
    return (
        (f"{label}: branch-periods", _("{what}: branch-periods", what=what))
        if per_branch
        else (f"{label}: periods", _("{what}: periods", what=what)),
        (f"{label}: met", _("{what}: met", what=what)),
        (f"{label}: needed", _("{what}: needed", what=what)),
        (f"{label}: failed", _("{what}: failed", what=what)),
        (f"{label}: recorded", _("{what}: recorded", what=what)),
    )


def _figures(req: Requirement, total: int, satisfied: int, required: int, failed: int, used: int) -> Figures:
    names = _figure_names(req.label, req.per_branch)
    return {
        key: (name, value)
        for (key, name), value in zip(names, (total, satisfied, required, failed, used), strict=True)
    }


def count_requirement(ctx: Context, req: Requirement) -> Part:
    facts = [f for f in ctx.facts(*req.kinds) if req.tag is None or f.tag == req.tag]
    if req.year_field:
        facts = [f for f in facts if f.number == ctx.year]
    slots = _slots(ctx, req)
    what = named(req.label)
    if not slots:
        return Part(
            Status.NOT_ASSESSED,
            _("no branch to hold a {what}", what=what)
            if req.per_branch
            else _("no {what} due since the union was founded", what=what),
            {f"{req.label}: slots": (_("{what}: slots", what=what), 0)},
        )
    total = len(slots)
    required = (
        # Of the periods since the union was founded, as many in proportion (11 of 12 months: 2 of 2).
        math.ceil(req.periods_required * total / len(_periods(ctx, req)) - 1e-9)
        if req.periods_required is not None and not req.per_branch
        else math.ceil(req.threshold * total - 1e-9)
    )
    allowed = total - required
    satisfied = failed = 0
    risky: list[_Slot] = []
    used: list[str] = []
    missing: list[Missing] = []
    open_closes: list[date] = []
    by_unit: dict[str, list[Fact]] = {}
    for fact in facts:
        by_unit.setdefault(fact.unit_id, []).append(fact)
    for slot in slots:
        candidates = by_unit.get(slot.branch.unit_id, []) if slot.branch is not None else facts
        matched = [f for f in candidates if _matches(ctx, req, slot, f)]
        count = len({f.subject for f in matched}) if req.distinct else len(matched)
        used.extend(f.event_id for f in matched)
        if count >= req.min:
            satisfied += 1
            continue
        if ctx.as_of < slot.period.start:
            continue
        if len(missing) < MAX_MISSING:  # an indicator lists no more than these (its first parts' first)
            missing.append(_missing(ctx, req, slot, count))
        if ctx.closed(slot.closes):
            failed += 1
        else:
            open_closes.append(slot.closes)
            if not ctx.due_so_far and (slot.closes - ctx.as_of).days <= ctx.window(req.per):
                risky.append(slot)
    if failed > allowed:
        status = Status.FAIL
    elif satisfied >= required:
        status = Status.PASS
    elif failed + len(risky) > allowed:
        status = Status.AT_RISK
    elif ctx.due_so_far or (req.per != "Y" and req.by is None and any(ctx.as_of > s.closes for s in slots)):
        status = Status.PASS  # on track: every period closed so far is within the allowance
    else:
        status = Status.NOT_ASSESSED
    counts = {
        "what": what,
        "met": satisfied,
        "total": total,
        "min": req.min,
        "needed": required,
        "failed": failed,
    }
    text = (
        _(
            "{what}: {met} of {total} branch-periods met (≥ {min} each), {needed} needed, {failed} failed",
            **counts,
        )
        if req.per_branch
        else _(
            "{what}: {met} of {total} periods met (≥ {min} each), {needed} needed, {failed} failed", **counts
        )
    )
    closes = min(open_closes) if open_closes else slots[-1].closes
    figures = _figures(req, total, satisfied, required, failed, len(used))
    return Part(status, text, figures, used, missing, closes)
