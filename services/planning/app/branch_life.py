"""Handlers of branch life: meetings, secretaries' briefings, monthly tasks."""

from __future__ import annotations

from collections.abc import Sequence

from services.planning.app.handlers import AreaHandlers
from services.planning.domain import branch_life as rules
from services.planning.domain import commands as cmds
from services.planning.domain.streams import briefing_stream, meeting_stream, tasks_stream
from shared.commands import Context
from shared.events import Envelope


class BranchLifeHandlers(AreaHandlers):
    async def hold_meeting(self, cmd: cmds.HoldMeeting, ctx: Context) -> Sequence[Envelope]:
        planning = self.planning
        meeting_id, stream = await planning.claim(
            ctx, "meeting_id", cmd.meeting_id, "mt", meeting_stream, "meeting"
        )
        branch = await planning.directory.get(cmd.branch_id)
        event = rules.hold_meeting(
            cmd,
            meeting_id=meeting_id,
            branch=branch,
            joint=await planning.units(cmd.joint_branch_ids),
            members=await planning.members(cmd.attendees),
            active_members=await planning.active_members(
                (cmd.branch_id, *cmd.joint_branch_ids), on=cmd.held_on
            ),
            attachments=await planning.attachments([cmd.minutes]),
            today=planning.today(),
        )
        assert branch is not None
        return await planning.append(stream, [event], branch.path, cmd.held_on, ctx, expected=0)

    async def hold_briefing(self, cmd: cmds.HoldBriefing, ctx: Context) -> Sequence[Envelope]:
        planning = self.planning
        briefing_id, stream = await planning.claim(
            ctx, "briefing_id", cmd.briefing_id, "br", briefing_stream, "briefing"
        )
        unit = await planning.directory.get(cmd.unit_id)
        event = rules.hold_briefing(
            cmd,
            briefing_id=briefing_id,
            unit=unit,
            branches=await planning.units(cmd.attending_branch_ids),
            members=await planning.members(cmd.attendee_member_ids),
            today=planning.today(),
        )
        assert unit is not None
        return await planning.append(stream, [event], unit.path, cmd.held_on, ctx, expected=0)

    async def assign_monthly_tasks(self, cmd: cmds.AssignMonthlyTasks, ctx: Context) -> Sequence[Envelope]:
        unit = await self.planning.directory.get(cmd.unit_id)
        event = rules.assign_monthly_tasks(
            cmd, unit=unit, branches=await self.planning.units(cmd.branch_ids), today=self.planning.today()
        )
        assert unit is not None
        # More tasks may be given later in the month: the stream takes them in any number.
        stream = tasks_stream(cmd.unit_id, cmd.month)
        return await self.planning.append(stream, [event], unit.path, cmd.assigned_on, ctx, expected=None)
