"""Indicators that are more than counting: shares of members, transfers, attendance, ageing out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from services.evaluation.domain.counting import Context, Part, judge
from services.evaluation.domain.periods import months_before, months_between, sub_periods
from services.evaluation.domain.roster import MemberState, active
from shared.contracts.evaluation import Missing, Status
from shared.contracts.member_status import MemberStatus

_LIST = 20  # members named in "what is missing"


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _name(members: list[MemberState], ctx: Context, what: str) -> list[Missing]:
    return [
        ctx.missing(f"member {m.member_id} (branch {m.branch_id}): {what}", m.branch_id)
        for m in members[:_LIST]
    ]


def _nothing_due(ctx: Context) -> Status:
    """Nothing to judge yet: on track when judged due so far (within the year), else not assessed."""
    return Status.PASS if ctx.due_so_far and ctx.as_of >= ctx.start else Status.NOT_ASSESSED


def roster_complete(ctx: Context) -> Part:
    members = active(ctx.by_kind, ctx.as_of, ctx.union)
    if not members:
        return Part(Status.NOT_ASSESSED, "no active member recorded")
    incomplete = [m for m in members if m.missing_fields]
    share = 1 - _share(len(incomplete), len(members))
    ok = share >= ctx.indicator.param("threshold")
    return Part(
        judge(ok, ctx, ctx.end, now=True),
        f"{len(members) - len(incomplete)} of {len(members)} active members have every required field",
        {
            "active members": len(members),
            "complete": len(members) - len(incomplete),
            "share": round(share, 4),
        },
        [m.event_id for m in members],
        _name(incomplete, ctx, "required fields missing"),
        ctx.end,
    )


def members_rated(ctx: Context) -> Part:
    day = min(ctx.as_of, ctx.end)
    # Eligible so far: six months in the branch by the day judged (by the year's end once it closes),
    # as meetings count the months so far. A member who reaches six months in December is awaited then.
    cutoff = months_before(day, int(ctx.indicator.param("min_months")))
    eligible = [m for m in active(ctx.by_kind, day, ctx.union) if m.since <= cutoff]
    ratings = [f for f in ctx.facts("member_rated") if f.number == ctx.year]
    rated = {f.subject for f in ratings}
    unrated = [m for m in eligible if m.member_id not in rated]
    if not eligible:
        return Part(_nothing_due(ctx), "no member with enough time in the branch to be rated")
    share = _share(len(eligible) - len(unrated), len(eligible))
    return Part(
        judge(share >= ctx.indicator.param("threshold"), ctx, ctx.end),
        f"{len(eligible) - len(unrated)} of {len(eligible)} eligible members rated for {ctx.year}",
        {"eligible members": len(eligible), "rated": len(eligible) - len(unrated), "share": round(share, 4)},
        [f.event_id for f in ratings],
        _name(unrated, ctx, f"not rated for {ctx.year}"),
        ctx.end,
    )


def training(ctx: Context) -> Part:
    members = active(ctx.by_kind, min(ctx.as_of, ctx.end), ctx.union)
    if not members:
        return Part(Status.NOT_ASSESSED, "no active member recorded")
    registered = {f.subject for f in ctx.facts("training_registered") if f.number == ctx.year}
    evaluated = {f.subject for f in ctx.facts("training_evaluated") if f.number == ctx.year}
    ids = {m.member_id for m in members}
    reg, done = _share(len(ids & registered), len(ids)), _share(len(ids & evaluated), len(ids))
    threshold = ctx.indicator.param("threshold")
    missing = _name([m for m in members if m.member_id not in registered], ctx, "not registered for training")
    missing += _name([m for m in members if m.member_id not in evaluated], ctx, "training not evaluated")
    used = [
        f.event_id for f in ctx.facts("training_registered", "training_evaluated") if f.number == ctx.year
    ]
    return Part(
        judge(reg >= threshold and done >= threshold, ctx, ctx.end),
        f"registered {reg:.0%}, evaluated {done:.0%} of {len(ids)} members (≥ {threshold:.0%} each)",
        {"active members": len(ids), "registered share": round(reg, 4), "evaluated share": round(done, 4)},
        used,
        missing,
        ctx.end,
    )


def one_plus_one(ctx: Context) -> Part:
    members = active(ctx.by_kind, min(ctx.as_of, ctx.end), ctx.union)
    if not members:
        return Part(Status.NOT_ASSESSED, "no active member recorded")
    brought = [f for f in ctx.facts("youth_recruited", "member_joined") if f.tag and ctx.in_year(f)]
    recruiters = {f.tag for f in brought}
    ids = {m.member_id for m in members}
    share = _share(len(ids & recruiters), len(ids))
    needed = ctx.indicator.param("share")
    return Part(
        judge(share >= needed, ctx, ctx.end),
        f'{len(ids & recruiters)} of {len(ids)} members brought someone in ("1+1"), {needed:.0%} needed',
        {
            "active members": len(ids),
            "members who brought someone": len(ids & recruiters),
            "share": round(share, 4),
        },
        [f.event_id for f in brought],
        []
        if share >= needed
        else [ctx.missing(f'"1+1": {share:.0%} of members brought someone, {needed:.0%} needed')],
        ctx.end,
    )


def activities_held(ctx: Context) -> Part:
    scheduled = {
        f.subject: f for f in ctx.facts("activity_scheduled") if ctx.in_year(f) and f.on <= ctx.as_of
    }
    cancelled = {f.subject for f in ctx.facts("activity_cancelled")}
    held = {f.subject: f for f in ctx.facts("activity_held")}
    due = [s for s in scheduled if s not in cancelled]
    if not due:
        return Part(_nothing_due(ctx), "no planned activity due yet")
    done = [s for s in due if s in held]
    share = _share(len(done), len(due))
    threshold = ctx.indicator.param("threshold")
    used = [scheduled[s].event_id for s in scheduled] + [held[s].event_id for s in done]
    return Part(
        judge(share >= threshold, ctx, ctx.end, now=True),
        f"{len(done)} of {len(due)} planned activities due so far were held ({threshold:.0%} needed)",
        {"activities due": len(due), "held": len(done), "cancelled": len(cancelled & set(scheduled))},
        used,
        [
            ctx.missing(f"activity {s} (planned {scheduled[s].on}) not recorded as held")
            for s in due
            if s not in held
        ],
        ctx.end,
    )


def attendance(ctx: Context) -> Part:
    meetings = [f for f in ctx.facts("meeting") if f.total > 0 and ctx.in_year(f)]
    if not meetings:
        return Part(Status.NOT_ASSESSED, "no meeting with attendance recorded")
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
                    ctx.missing(f"branch {branch}: attendance below {floor:.0%} for {run} months", branch)
                )
                break
    ok = mean >= ctx.indicator.param("mean")
    status = Status.FAIL if low else judge(ok, ctx, ctx.end, now=True)
    missing = low + (
        [] if ok else [ctx.missing(f"mean attendance {mean:.0%} is below {ctx.indicator.param('mean'):.0%}")]
    )
    return Part(
        status,
        f"mean attendance {mean:.0%} over {len(meetings)} meetings; {len(low)} branch(es) low for {run_needed} months",
        {"meetings": len(meetings), "mean attendance": round(mean, 4), "branches persistently low": len(low)},
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
    numbers: dict[str, float] = {}
    for half in sub_periods(ctx.start, ctx.end, "H", ctx.year):
        if ctx.as_of < half.start:
            continue
        cases = {
            f.subject for f in listed if f.on <= half.end and closed.get(f.subject, date.max) >= half.start
        }
        helped = {f.subject for f in actions if half.contains(f.on)} & cases
        share = _share(len(helped), len(cases)) if cases else 1.0
        numbers[f"{half.label}: listed"], numbers[f"{half.label}: with a care action"] = (
            len(cases),
            len(helped),
        )
        statuses.append(judge(share >= needed, ctx, half.end, "H"))
        if share < needed:
            missing += [
                ctx.missing(f"case {c}: no care action in {half.label}", period=half.label)
                for c in sorted(cases - helped)[:_LIST]
            ]
    status = (
        Status.NOT_ASSESSED
        if not statuses
        else max(statuses, key=lambda s: (s is Status.FAIL, s is Status.AT_RISK, s is Status.NOT_ASSESSED))
    )
    return Part(
        status,
        f"care actions for ≥ {needed:.0%} of listed cases each half",
        numbers,
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
                    f"transfer {tid} (member {req.tag}) not released within {due_days.days} days", req.unit_id
                )
            )
        elif (due - ctx.as_of).days <= 5:
            pending_soon += 1
            missing.append(
                ctx.missing(f"transfer {tid} (member {req.tag}) must be released by {due}", req.unit_id)
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
        missing.append(ctx.missing(f"transfer {tid}: released {waiting} days ago, not accepted", rel.unit_id))
    share = _share(on_time, on_time + late) if on_time + late else 1.0
    if orphans or share < p("release_share"):
        status = Status.FAIL
    elif risky or (pending_soon and _share(on_time, on_time + late + pending_soon) < p("release_share")):
        status = Status.AT_RISK
    else:
        status = Status.PASS
    used = [f.event_id for f in ctx.facts("transfer_requested", "transfer_released", "transfer_accepted")]
    return Part(
        status,
        f"{on_time} of {on_time + late} transfers released within {due_days.days} days; {orphans} orphaned",
        {
            "released on time": on_time,
            "released late or overdue": late,
            "orphaned": orphans,
            "waiting long": risky,
        },
        used,
        missing,
    )


def ageing_out(ctx: Context) -> Part:
    p = ctx.indicator.param
    extended: dict[str, date] = {}
    for f in ctx.facts("membership_extended"):
        # A fact projected before the tag held the day (``on`` was it) counts as it did then.
        until = date.fromisoformat(f.tag) if f.tag else f.on
        extended[f.subject] = max(until, extended.get(f.subject, until))
    over = overdue = soon = 0
    missing: list[Missing] = []
    for m in active(ctx.by_kind, ctx.as_of, ctx.union):
        if not m.birth_year:
            continue
        if ctx.as_of.year - m.birth_year > p("max_age"):
            over += 1
            missing.append(
                ctx.missing(f"member {m.member_id}: over {int(p('max_age'))} and still active", m.branch_id)
            )
            continue
        # Evaluation holds the birth year only (the date is sealed with the profile): a member has
        # surely reached the age by the end of that year, and the days to handle it count from then.
        turned = date(m.birth_year + int(p("age")), 12, 31)
        if ctx.as_of < turned or extended.get(m.member_id, date.min) >= ctx.as_of:
            continue
        waited = (ctx.as_of - turned).days
        if waited > p("handle_days"):
            overdue += 1
        elif waited > p("handle_days") - p("risk_days"):
            soon += 1
        else:
            continue
        missing.append(
            ctx.missing(
                f"member {m.member_id}: reached {int(p('age'))}, not matured or extended", m.branch_id
            )
        )
    status = Status.FAIL if over or overdue else Status.AT_RISK if soon else Status.PASS
    return Part(
        status,
        f"{over} over age, {overdue} not handled in time, {soon} due soon",
        {"over age": over, "not handled": overdue, "due soon": soon},
        [f.event_id for f in ctx.facts("member_left") if f.tag == MemberStatus.MATURED]
        + [f.event_id for f in ctx.facts("membership_extended")],
        missing,
    )


def inactivity(ctx: Context) -> Part:
    p = ctx.indicator.param
    dues = ctx.facts("dues")
    if not dues:
        return Part(Status.NOT_ASSESSED, "no dues recorded: inactivity cannot be judged")
    last: dict[str, date] = {}
    for f in dues:
        last[f.subject] = max(last.get(f.subject, date.min), f.on)
    reviews: dict[str, list[date]] = defaultdict(list)
    for f in ctx.facts("inactivity_reviewed"):
        reviews[f.subject].append(f.on)
    months = int(p("months"))
    overdue = soon = inactive = 0
    missing: list[Missing] = []
    for m in active(ctx.by_kind, ctx.as_of, ctx.union):
        since = max(last.get(m.member_id, m.since), m.since.replace(day=1))
        if months_between(since, ctx.as_of) <= months:
            continue
        index = since.year * 12 + since.month + months  # the first month after `months` without dues
        inactive_from = date(index // 12, index % 12 + 1, 1)
        inactive += 1
        if any(day >= inactive_from for day in reviews.get(m.member_id, [])):
            continue
        waited = (ctx.as_of - inactive_from).days
        if waited > p("review_days"):
            overdue += 1
        elif waited > p("review_days") - p("risk_days"):
            soon += 1
        else:
            continue
        missing.append(
            ctx.missing(f"member {m.member_id}: inactive since {inactive_from}, not reviewed", m.branch_id)
        )
    status = Status.FAIL if overdue else Status.AT_RISK if soon else Status.PASS
    return Part(
        status,
        f"{inactive} inactive members; {overdue} not reviewed within {int(p('review_days'))} days",
        {"inactive members": inactive, "not reviewed in time": overdue, "due soon": soon},
        [f.event_id for f in ctx.facts("inactivity_reviewed")],
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
        f"{len(live)} coordination agreement(s) in force, {needed} needed",
        {"agreements in force": len(live)},
        [f.event_id for f in live],
        [] if ok else [ctx.missing("no coordination agreement in force")],
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
