"""Indicators that are more than counting (measures): activities, attendance, care, transfers, agreements;
the measures over members are in ``member_measures``, and all are named in :data:`MEASURES`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from services.evaluation.domain.counting import Context, Part, judge, nothing_due
from services.evaluation.domain.member_measures import (
    ageing_out,
    inactivity,
    members_rated,
    one_plus_one,
    roster_complete,
    share_of,
    training,
)
from services.evaluation.domain.periods import sub_periods
from services.evaluation.domain.wording import period
from shared.contracts.evaluation import Missing, Status
from shared.i18n import Message, _, _n

_LIST = 20  # cases named in "what is missing"


def activities_held(ctx: Context) -> Part:
    scheduled = {
        f.subject: f for f in ctx.facts("activity_scheduled") if ctx.in_year(f) and f.on <= ctx.as_of
    }
    cancelled = {f.subject for f in ctx.facts("activity_cancelled")}
    held = {f.subject: f for f in ctx.facts("activity_held")}
    due = [s for s in scheduled if s not in cancelled]
    if not due:
        return Part(nothing_due(ctx), _("no planned activity due yet"))
    done = [s for s in due if s in held]
    share = share_of(len(done), len(due))
    threshold = ctx.indicator.param("threshold")
    used = [scheduled[s].event_id for s in scheduled] + [held[s].event_id for s in done]
    return Part(
        judge(share >= threshold, ctx, ctx.end, now=True),
        _(
            "{held} of {due} planned activities due so far were held ({threshold:.0%} needed)",
            held=len(done),
            due=len(due),
            threshold=threshold,
        ),
        {
            "activities due": (_("activities due"), len(due)),
            "held": (_("held"), len(done)),
            "cancelled": (_("cancelled"), len(cancelled & set(scheduled))),
        },
        used,
        [
            ctx.missing(
                _(
                    "activity {activity} (planned {planned}) not recorded as held",
                    activity=s,
                    planned=scheduled[s].on.isoformat(),
                )
            )
            for s in due
            if s not in held
        ],
        ctx.end,
    )


def attendance(ctx: Context) -> Part:
    meetings = [f for f in ctx.facts("meeting") if f.total > 0 and ctx.in_year(f)]
    if not meetings:
        return Part(Status.NOT_ASSESSED, _("no meeting with attendance recorded"))
    mean = sum(f.number / f.total for f in meetings) / len(meetings)
    floor, run_needed = ctx.indicator.param("floor"), int(ctx.indicator.param("floor_months"))
    monthly: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for f in meetings:
        monthly[f.unit_id][f.on.year * 12 + f.on.month].append(f.number / f.total)
    low: list[Missing] = []
    for branch, months in sorted(monthly.items()):
        run = 0
        for month in range(min(months), max(months) + 1):
            rates = months.get(month)
            run = run + 1 if rates is not None and max(rates) < floor else 0
            if run >= run_needed:
                low.append(
                    ctx.missing(
                        _n(
                            "{branch}: attendance below {floor:.0%} for {n} month",
                            "{branch}: attendance below {floor:.0%} for {n} months",
                            run,
                            branch=ctx.name_of(branch),
                            floor=floor,
                        ),
                        branch,
                    )
                )
                break
    ok = mean >= ctx.indicator.param("mean")
    status = Status.FAIL if low else judge(ok, ctx, ctx.end, now=True)
    needed = ctx.indicator.param("mean")
    missing = low + (
        []
        if ok
        else [ctx.missing(_("mean attendance {mean:.0%} is below {needed:.0%}", mean=mean, needed=needed))]
    )
    return Part(
        status,
        _(
            "mean attendance {mean:.0%} over {meetings} meetings; {low} branch(es) low for {months} months",
            mean=mean,
            meetings=len(meetings),
            low=len(low),
            months=run_needed,
        ),
        {
            "meetings": (_("meetings"), len(meetings)),
            "mean attendance": (_("mean attendance"), round(mean, 4)),
            "branches persistently low": (_("branches persistently low"), len(low)),
        },
        [f.event_id for f in meetings],
        missing,
        ctx.end,
    )


def care_actions(ctx: Context) -> Part:
    listed = ctx.facts("hardship_listed")
    closed = {f.subject: f.on for f in ctx.facts("hardship_closed")}
    actions = ctx.facts("care_action")
    needed = ctx.indicator.param("share")
    statuses: list[Status] = []
    missing: list[Missing] = []
    figures: dict[str, tuple[Message, float]] = {}
    for half in sub_periods(ctx.start, ctx.end, "H", ctx.year):
        if ctx.as_of < half.start:
            continue
        cases = {
            f.subject for f in listed if f.on <= half.end and closed.get(f.subject, date.max) >= half.start
        }
        helped = {f.subject for f in actions if half.contains(f.on)} & cases
        share = share_of(len(helped), len(cases)) if cases else 1.0
        when = period(half.label)
        figures[f"{half.label}: listed"] = (_("{period}: listed", period=when), len(cases))
        figures[f"{half.label}: with a care action"] = (
            _("{period}: with a care action", period=when),
            len(helped),
        )
        statuses.append(judge(share >= needed, ctx, half.end, "H"))
        if share < needed:
            missing += [
                ctx.missing(
                    _("case {case}: no care action in {period}", case=c, period=when), period=half.label
                )
                for c in sorted(cases - helped)[:_LIST]
            ]
    status = (
        Status.NOT_ASSESSED
        if not statuses
        else max(statuses, key=lambda s: (s is Status.FAIL, s is Status.AT_RISK, s is Status.NOT_ASSESSED))
    )
    return Part(
        status,
        _("care actions for ≥ {needed:.0%} of listed cases each half", needed=needed),
        figures,
        [f.event_id for f in listed + actions],
        missing,
        ctx.end,
    )


def transfers(ctx: Context) -> Part:
    p = ctx.indicator.param
    requested = {f.subject: f for f in ctx.facts("transfer_requested")}
    released = {f.subject: f for f in ctx.facts("transfer_released")}
    settled = {f.subject for f in ctx.facts("transfer_accepted", "transfer_returned")}
    due_days = timedelta(days=p("release_days"))
    on_time = late = pending_soon = 0
    missing: list[Missing] = []
    for tid, req in requested.items():
        due = req.on + due_days
        rel = released.get(tid)
        if rel is not None:
            on_time, late = (on_time + 1, late) if rel.on <= due else (on_time, late + 1)
        elif ctx.as_of > due:
            late += 1
            missing.append(
                ctx.missing(
                    _(
                        "transfer {transfer} (member {member}) not released within {days} days",
                        transfer=tid,
                        member=req.tag,
                        days=due_days.days,
                    ),
                    req.unit_id,
                )
            )
        elif (due - ctx.as_of).days <= 5:
            pending_soon += 1
            missing.append(
                ctx.missing(
                    _(
                        "transfer {transfer} (member {member}) must be released by {due}",
                        transfer=tid,
                        member=req.tag,
                        due=due.isoformat(),
                    ),
                    req.unit_id,
                )
            )
    orphans = risky = 0
    for tid, rel in released.items():
        if tid in settled:
            continue
        waiting = (ctx.as_of - rel.on).days
        if waiting > p("orphan_days"):
            orphans += 1
        elif waiting > p("orphan_risk_days"):
            risky += 1
        else:
            continue
        missing.append(
            ctx.missing(
                _("transfer {transfer}: released {days} days ago, not accepted", transfer=tid, days=waiting),
                rel.unit_id,
            )
        )
    share = share_of(on_time, on_time + late) if on_time + late else 1.0
    if orphans or share < p("release_share"):
        status = Status.FAIL
    elif risky or (pending_soon and share_of(on_time, on_time + late + pending_soon) < p("release_share")):
        status = Status.AT_RISK
    else:
        status = Status.PASS
    used = [f.event_id for f in ctx.facts("transfer_requested", "transfer_released", "transfer_accepted")]
    return Part(
        status,
        _(
            "{on_time} of {transfers} transfers released within {days} days; {orphans} orphaned",
            on_time=on_time,
            transfers=on_time + late,
            days=due_days.days,
            orphans=orphans,
        ),
        {
            "released on time": (_("released on time"), on_time),
            "released late or overdue": (_("released late or overdue"), late),
            "orphaned": (_("orphaned"), orphans),
            "waiting long": (_("waiting long"), risky),
        },
        used,
        missing,
    )


def agreement_active(ctx: Context) -> Part:
    day = min(ctx.as_of, ctx.end)
    ended = {f.subject: f.on for f in ctx.facts("agreement_ended")}
    live = [
        f
        for f in ctx.facts("agreement_signed")
        if f.on <= day
        and ended.get(f.subject, date.max) > day
        and (not f.number or date.fromordinal(f.number) >= day)
    ]
    needed = int(ctx.indicator.param("min_active"))
    ok = len(live) >= needed
    return Part(
        judge(ok, ctx, ctx.end, now=True),
        _("{live} coordination agreement(s) in force, {needed} needed", live=len(live), needed=needed),
        {"agreements in force": (_("agreements in force"), len(live))},
        [f.event_id for f in live],
        [] if ok else [ctx.missing(_("no coordination agreement in force"))],
        ctx.end,
    )


MEASURES: dict[str, Callable[[Context], Part]] = {
    "roster_complete": roster_complete,
    "members_rated": members_rated,
    "training": training,
    "one_plus_one": one_plus_one,
    "activities_held": activities_held,
    "attendance": attendance,
    "care_actions": care_actions,
    "transfers": transfers,
    "ageing_out": ageing_out,
    "inactivity": inactivity,
    "agreement_active": agreement_active,
}
