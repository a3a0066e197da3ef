"""A member's year on record: dues, the rating, the training programme, inactivity, "1+1", the Party."""

from __future__ import annotations

from collections.abc import Sequence

from services.membership.app.base import Membership
from services.membership.domain import commands as cmds
from services.membership.domain import records
from shared.commands import Context
from shared.events import Envelope
from shared.ids import new_id
from shared.orgtree.guard import Dated


class RecordHandlers:
    def __init__(self, membership: Membership) -> None:
        self.membership = membership

    async def pay_dues(self, cmd: cmds.PayDues, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member_on(cmd.member_id, Dated.month("month", cmd.month))
        today = self.membership.today()
        event = records.pay_dues(member, month=cmd.month, amount_vnd=cmd.amount_vnd, today=today)
        return await self.membership.record(member, event, ctx)

    async def exempt_dues(self, cmd: cmds.ExemptDues, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member_on(cmd.member_id, Dated.month("month", cmd.month))
        event = records.exempt_dues(member, month=cmd.month, reason=cmd.reason, today=self.membership.today())
        return await self.membership.record(member, event, ctx)

    async def rate(self, cmd: cmds.RateMember, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member_on(cmd.member_id, Dated.on("rated_on", cmd.rated_on))
        event = records.rate(
            member, year=cmd.year, rating=cmd.rating, on=cmd.rated_on, today=self.membership.today()
        )
        return await self.membership.record(member, event, ctx, on=cmd.rated_on)

    async def register_training(self, cmd: cmds.RegisterTraining, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member_on(cmd.member_id, Dated.year("year", cmd.year))
        return await self.membership.record(member, records.register_training(member, year=cmd.year), ctx)

    async def evaluate_training(self, cmd: cmds.EvaluateTraining, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member_on(cmd.member_id, Dated.year("year", cmd.year))
        event = records.evaluate_training(member, year=cmd.year, result=cmd.result)
        return await self.membership.record(member, event, ctx)

    async def review_inactivity(self, cmd: cmds.ReviewInactivity, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member_on(cmd.member_id, Dated.on("reviewed_on", cmd.reviewed_on))
        event = records.review_inactivity(
            member, on=cmd.reviewed_on, outcome=cmd.outcome, today=self.membership.today()
        )
        return await self.membership.record(member, event, ctx, on=cmd.reviewed_on)

    async def recruit(self, cmd: cmds.RecordRecruit, ctx: Context) -> Sequence[Envelope]:
        recruit_id = cmd.recruit_id or new_id("p")
        ctx.named["recruit_id"] = recruit_id
        member = await self.membership.member_on(cmd.member_id, Dated.on("recruited_on", cmd.recruited_on))
        event = records.recruit(
            member, recruit_id=recruit_id, into=cmd.into, on=cmd.recruited_on, today=self.membership.today()
        )
        return await self.membership.record(member, event, ctx, on=cmd.recruited_on)

    async def refer_to_party(self, cmd: cmds.ReferToParty, ctx: Context) -> Sequence[Envelope]:
        referral_id = cmd.referral_id or new_id("r")
        ctx.named["referral_id"] = referral_id
        member = await self.membership.member_on(cmd.member_id, Dated.on("referred_on", cmd.referred_on))
        event = records.refer_to_party(
            member,
            referral_id=referral_id,
            on=cmd.referred_on,
            decision_ref=cmd.decision_ref,
            today=self.membership.today(),
        )
        return await self.membership.record(member, event, ctx, on=cmd.referred_on)

    async def decide_party_admission(
        self, cmd: cmds.DecidePartyAdmission, ctx: Context
    ) -> Sequence[Envelope]:
        member = await self.membership.member(cmd.member_id)
        event = records.decide_party_admission(
            member,
            referral_id=cmd.referral_id,
            admitted=cmd.admitted,
            on=cmd.decided_on,
            today=self.membership.today(),
        )
        return await self.membership.record(member, event, ctx, on=cmd.decided_on)
