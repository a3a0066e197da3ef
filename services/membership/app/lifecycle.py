"""A member's lifecycle: ageing out and extension, discipline, striking off, the card."""

from __future__ import annotations

from collections.abc import Sequence

from services.membership.app.base import Membership
from services.membership.domain import commands as cmds
from services.membership.domain import lifecycle
from shared.commands import Context
from shared.events import Envelope
from shared.orgtree.guard import Dated


class LifecycleHandlers:
    def __init__(self, membership: Membership) -> None:
        self.membership = membership

    async def mature(self, cmd: cmds.MatureMember, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member_on(cmd.member_id, Dated.on("matured_on", cmd.matured_on))
        birth = await self.membership.birth_date(member)
        event = lifecycle.mature(member, on=cmd.matured_on, birth_date=birth, today=self.membership.today())
        return await self.membership.record(member, event, ctx, on=cmd.matured_on)

    async def extend(self, cmd: cmds.ExtendMembership, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member(cmd.member_id)
        birth = await self.membership.birth_date(member)
        event = lifecycle.extend(member, until=cmd.until, reason=cmd.reason, birth_date=birth)
        return await self.membership.record(member, event, ctx)

    async def discipline(self, cmd: cmds.DisciplineMember, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member_on(cmd.member_id, Dated.on("decided_on", cmd.decided_on))
        event = lifecycle.discipline(
            member,
            level=cmd.level,
            decision_ref=cmd.decision_ref,
            on=cmd.decided_on,
            today=self.membership.today(),
        )
        return await self.membership.record(member, event, ctx, on=cmd.decided_on)

    async def strike_off(self, cmd: cmds.StrikeOffMember, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member_on(cmd.member_id, Dated.on("struck_on", cmd.struck_on))
        event = lifecycle.strike_off(
            member, on=cmd.struck_on, reason=cmd.reason, today=self.membership.today()
        )
        return await self.membership.record(member, event, ctx, on=cmd.struck_on)

    async def issue_card(self, cmd: cmds.IssueCard, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member_on(cmd.member_id, Dated.on("issued_on", cmd.issued_on))
        event = lifecycle.issue_card(
            member, card_number=cmd.card_number, on=cmd.issued_on, today=self.membership.today()
        )
        return await self.membership.record(member, event, ctx, on=cmd.issued_on)
