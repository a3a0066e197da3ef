"""Transfers between branches (chuyển sinh hoạt đoàn): requested, released, then accepted or returned."""

from __future__ import annotations

from collections.abc import Sequence

from services.membership.app.base import Membership
from services.membership.domain import commands as cmds
from services.membership.domain import lifecycle
from services.membership.domain.member import Member
from shared.commands import Context
from shared.contracts.org import OrgUnit
from shared.events import Envelope
from shared.ids import new_id
from shared.orgtree.guard import Dated


class TransferHandlers:
    def __init__(self, membership: Membership) -> None:
        self.membership = membership

    async def request_transfer(self, cmd: cmds.RequestTransfer, ctx: Context) -> Sequence[Envelope]:
        transfer_id = cmd.transfer_id or new_id("t")
        ctx.named["transfer_id"] = transfer_id
        member = await self.membership.member_on(cmd.member_id, Dated.on("requested_on", cmd.requested_on))
        # The destination may lie outside the token's scope (a transfer into another district): it is
        # named, not read, and the answer tells only whether it is a branch, and its dates when the request
        # falls outside them (ADR 0004).
        event = lifecycle.request_transfer(
            member,
            transfer_id=transfer_id,
            to_branch=await self.membership.directory.get(cmd.to_branch_id),
            to_branch_id=cmd.to_branch_id,
            on=cmd.requested_on,
            today=self.membership.today(),
        )
        return await self.membership.record(member, event, ctx, on=cmd.requested_on)

    async def release_transfer(self, cmd: cmds.ReleaseTransfer, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member_on(cmd.member_id, Dated.on("released_on", cmd.released_on))
        today = self.membership.today()
        event = lifecycle.release_transfer(
            member, transfer_id=cmd.transfer_id, on=cmd.released_on, today=today
        )
        return await self.membership.record(member, event, ctx, on=cmd.released_on)

    async def accept_transfer(self, cmd: cmds.AcceptTransfer, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member(cmd.member_id)
        event = lifecycle.accept_transfer(
            member,
            transfer_id=cmd.transfer_id,
            to_branch=await self.destination(member),
            on=cmd.accepted_on,
            today=self.membership.today(),
        )
        return await self.membership.record(member, event, ctx, on=cmd.accepted_on)

    async def return_transfer(self, cmd: cmds.ReturnTransfer, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member(cmd.member_id)
        event = lifecycle.return_transfer(
            member,
            transfer_id=cmd.transfer_id,
            to_branch=await self.destination(member),
            on=cmd.returned_on,
            reason=cmd.reason,
            today=self.membership.today(),
        )
        return await self.membership.record(member, event, ctx, on=cmd.returned_on)

    async def destination(self, member: Member) -> OrgUnit | None:
        """The branch the member's open transfer goes to (None without one: the domain refuses it)."""
        transfer = member.transfer
        return await self.membership.directory.get(transfer.to_branch_id) if transfer else None
