"""Indicators over the union's members (đoàn viên): roster complete, ratings, training, "1+1", ageing out
and inactivity, each judged on the roster of the day it is judged."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from services.evaluation.domain.counting import Context, Part, judge, nothing_due
from services.evaluation.domain.periods import months_before, months_between
from services.evaluation.domain.roster import MemberState, active
from shared.contracts.evaluation import Missing, Status
from shared.contracts.member_status import MemberStatus
from shared.i18n import Message, _

_LIST = 20  # members named in "what is missing"


def share_of(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _name(members: list[MemberState], ctx: Context, what: Message) -> list[Missing]:
    # Evaluation holds no personal data: a member is named by their pseudonymous id, in their branch.
    return [
        ctx.missing(
            _(
                "member {member} ({branch}): {what}",
                member=m.member_id,
                branch=ctx.name_of(m.branch_id),
                what=what,
            ),
            m.branch_id,
        )
        for m in members[:_LIST]
    ]


NO_MEMBER = _("no active member recorded")


def roster_complete(ctx: Context) -> Part:
    members = active(ctx.by_kind, ctx.as_of, ctx.union)
    if not members:
        return Part(Status.NOT_ASSESSED, NO_MEMBER)
    incomplete = [m for m in members if m.missing_fields]
    share = 1 - share_of(len(incomplete), len(members))
    ok = share >= ctx.indicator.param("threshold")
    return Part(
        judge(ok, ctx, ctx.end, now=True),
        _(
            "{complete} of {members} active members have every required field",
            complete=len(members) - len(incomplete),
            members=len(members),
        ),
        {
            "active members": (_("active members"), len(members)),
            "complete": (_("complete"), len(members) - len(incomplete)),
            "share": (_("share"), round(share, 4)),
        },
        [m.event_id for m in members],
        _name(incomplete, ctx, _("required fields missing")),
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
        return Part(nothing_due(ctx), _("no member with enough time in the branch to be rated"))
    share = share_of(len(eligible) - len(unrated), len(eligible))
    return Part(
        judge(share >= ctx.indicator.param("threshold"), ctx, ctx.end),
        _(
            "{rated} of {eligible} eligible members rated for {year}",
            rated=len(eligible) - len(unrated),
            eligible=len(eligible),
            year=str(ctx.year),
        ),
        {
            "eligible members": (_("eligible members"), len(eligible)),
            "rated": (_("rated"), len(eligible) - len(unrated)),
            "share": (_("share"), round(share, 4)),
        },
        [f.event_id for f in ratings],
        _name(unrated, ctx, _("not rated for {year}", year=str(ctx.year))),
        ctx.end,
    )


def training(ctx: Context) -> Part:
    members = active(ctx.by_kind, min(ctx.as_of, ctx.end), ctx.union)
    if not members:
        return Part(Status.NOT_ASSESSED, NO_MEMBER)
    registered = {f.subject for f in ctx.facts("training_registered") if f.number == ctx.year}
    evaluated = {f.subject for f in ctx.facts("training_evaluated") if f.number == ctx.year}
    ids = {m.member_id for m in members}
    reg, done = share_of(len(ids & registered), len(ids)), share_of(len(ids & evaluated), len(ids))
    threshold = ctx.indicator.param("threshold")
    missing = _name(
        [m for m in members if m.member_id not in registered], ctx, _("not registered for training")
    )
    missing += _name([m for m in members if m.member_id not in evaluated], ctx, _("training not evaluated"))
    used = [
        f.event_id for f in ctx.facts("training_registered", "training_evaluated") if f.number == ctx.year
    ]
    return Part(
        judge(reg >= threshold and done >= threshold, ctx, ctx.end),
        _(
            "registered {registered:.0%}, evaluated {evaluated:.0%} of {members} members (≥ {threshold:.0%} each)",
            registered=reg,
            evaluated=done,
            members=len(ids),
            threshold=threshold,
        ),
        {
            "active members": (_("active members"), len(ids)),
            "registered share": (_("registered share"), round(reg, 4)),
            "evaluated share": (_("evaluated share"), round(done, 4)),
        },
        used,
        missing,
        ctx.end,
    )


def one_plus_one(ctx: Context) -> Part:
    members = active(ctx.by_kind, min(ctx.as_of, ctx.end), ctx.union)
    if not members:
        return Part(Status.NOT_ASSESSED, NO_MEMBER)
    brought = [f for f in ctx.facts("youth_recruited", "member_joined") if f.tag and ctx.in_year(f)]
    recruiters = {f.tag for f in brought}
    ids = {m.member_id for m in members}
    share = share_of(len(ids & recruiters), len(ids))
    needed = ctx.indicator.param("share")
    return Part(
        judge(share >= needed, ctx, ctx.end),
        _(
            '{brought} of {members} members brought someone in ("1+1"), {needed:.0%} needed',
            brought=len(ids & recruiters),
            members=len(ids),
            needed=needed,
        ),
        {
            "active members": (_("active members"), len(ids)),
            "members who brought someone": (_("members who brought someone"), len(ids & recruiters)),
            "share": (_("share"), round(share, 4)),
        },
        [f.event_id for f in brought],
        []
        if share >= needed
        else [
            ctx.missing(
                _(
                    '"1+1": {share:.0%} of members brought someone, {needed:.0%} needed',
                    share=share,
                    needed=needed,
                )
            )
        ],
        ctx.end,
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
                ctx.missing(
                    _(
                        "member {member} ({branch}): over {age} and still active",
                        member=m.member_id,
                        branch=ctx.name_of(m.branch_id),
                        age=int(p("max_age")),
                    ),
                    m.branch_id,
                )
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
                _(
                    "member {member} ({branch}): reached {age}, not matured or extended",
                    member=m.member_id,
                    branch=ctx.name_of(m.branch_id),
                    age=int(p("age")),
                ),
                m.branch_id,
            )
        )
    status = Status.FAIL if over or overdue else Status.AT_RISK if soon else Status.PASS
    return Part(
        status,
        _(
            "{over} over age, {overdue} not handled in time, {soon} due soon",
            over=over,
            overdue=overdue,
            soon=soon,
        ),
        {
            "over age": (_("over age"), over),
            "not handled": (_("not handled"), overdue),
            "due soon": (_("due soon"), soon),
        },
        [f.event_id for f in ctx.facts("member_left") if f.tag == MemberStatus.MATURED]
        + [f.event_id for f in ctx.facts("membership_extended")],
        missing,
    )


def inactivity(ctx: Context) -> Part:
    p = ctx.indicator.param
    dues = ctx.facts("dues")
    if not dues:
        return Part(Status.NOT_ASSESSED, _("no dues recorded: inactivity cannot be judged"))
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
            ctx.missing(
                _(
                    "member {member} ({branch}): inactive since {since}, not reviewed",
                    member=m.member_id,
                    branch=ctx.name_of(m.branch_id),
                    since=inactive_from.isoformat(),
                ),
                m.branch_id,
            )
        )
    status = Status.FAIL if overdue else Status.AT_RISK if soon else Status.PASS
    return Part(
        status,
        _(
            "{inactive} inactive members; {overdue} not reviewed within {days} days",
            inactive=inactive,
            overdue=overdue,
            days=int(p("review_days")),
        ),
        {
            "inactive members": (_("inactive members"), inactive),
            "not reviewed in time": (_("not reviewed in time"), overdue),
            "due soon": (_("due soon"), soon),
        },
        [f.event_id for f in ctx.facts("inactivity_reviewed")],
        missing,
    )
