"""Members: admission (kết nạp) and the personal record, sealed under each member's own key."""

from __future__ import annotations

from collections.abc import Sequence

from services.membership.app.base import Membership
from services.membership.domain import commands as cmds
from services.membership.domain import members
from services.membership.domain.streams import member_stream
from shared.clock import start_of_day
from shared.commands import Context
from shared.contracts.org import UnitLevel
from shared.events import Envelope, NewEvent
from shared.ids import new_id
from shared.store import NO_STREAM


class MemberHandlers:
    def __init__(self, membership: Membership) -> None:
        self.membership = membership
        self.directory = membership.directory

    async def admit(self, cmd: cmds.AdmitMember, ctx: Context) -> Sequence[Envelope]:
        member_id = cmd.member_id or new_id("m")
        ctx.named["member_id"] = member_id
        branch = await self.directory.get(cmd.branch_id)
        store = self.membership.store
        referrer = await self.membership.find_member(cmd.referred_by) if cmd.referred_by is not None else None
        sealer = await self.membership.keys.sealer([member_id])
        event = members.admit_member(
            cmd,
            member_id=member_id,
            branch=branch,
            member_exists=await store.stream_version(member_stream(member_id)) > 0,
            union_id=await self.union_of(cmd.branch_id),
            referrer=referrer,
            referrer_union_id=(
                await self.union_of(referrer.branch_on(cmd.joined_on)) if referrer is not None else None
            ),
            today=self.membership.today(),
            sealed=sealer.seal(member_id, cmd.profile.sealed_fields()),
        )
        assert branch is not None
        new = NewEvent(member_stream(member_id), event, branch.path, start_of_day(cmd.joined_on))
        return await self.membership.append(new, ctx, NO_STREAM, sealer.store_created)

    async def update_profile(self, cmd: cmds.UpdateProfile, ctx: Context) -> Sequence[Envelope]:
        member = await self.membership.member(cmd.member_id)
        sealer = await self.membership.keys.sealer([member.member_id])
        sealed = sealer.seal(member.member_id, cmd.profile.sealed_fields())
        event = members.update_profile(member, cmd.profile, sealed=sealed)
        return await self.membership.record(member, event, ctx, effects=sealer.store_created)

    async def union_of(self, unit_id: str) -> str | None:
        """The grassroots union that holds (or is) the unit; None for a unit above the unions, or unknown."""
        unit = await self.directory.get(unit_id)
        while unit is not None and unit.level is not UnitLevel.GRASSROOTS:
            unit = await self.directory.get(unit.parent_id) if unit.parent_id else None
        return unit.unit_id if unit is not None else None
