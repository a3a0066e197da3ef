"""Handlers of branch life: meetings, secretaries' briefings, monthly tasks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from services.planning.app.base import PlanningContext
from services.planning.domain import branch_life as rules
from shared.events import Envelope
from shared.store.event_store import Idempotency


class BranchLifeHandlers(PlanningContext):
    async def hold_meeting(
        self, cmd: rules.RecordMeeting, *, actor: str, idempotency: Idempotency | None = None
    ) -> list[Envelope]:
        stream = f"meeting-{cmd.meeting_id}"
        await self.ensure_new(
            stream, what=f"meeting {cmd.meeting_id!r}", field="meeting_id", value=cmd.meeting_id
        )
        branch = await self.directory.get(cmd.branch_id)
        branch_ids = (cmd.branch_id, *cmd.joint_branch_ids)
        event = rules.hold_meeting(
            cmd,
            branch=branch,
            joint=await self.units(cmd.joint_branch_ids),
            members=await self.members(cmd.attendees),
            active_members=await self.active_members(branch_ids),
            attachments=await self.attachments([cmd.minutes]),
            today=self.today(),
        )
        assert branch is not None
        return await self.append(
            stream, [event], branch.path, cmd.held_on, expected=0, actor=actor, idempotency=idempotency
        )

    async def hold_briefing(
        self,
        briefing_id: str,
        unit_id: str,
        held_on: date,
        attending_branch_ids: Sequence[str],
        attendee_member_ids: Sequence[str],
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        stream = f"briefing-{briefing_id}"
        await self.ensure_new(
            stream, what=f"briefing {briefing_id!r}", field="briefing_id", value=briefing_id
        )
        unit = await self.directory.get(unit_id)
        event = rules.hold_briefing(
            briefing_id=briefing_id,
            unit=unit,
            unit_id=unit_id,
            held_on=held_on,
            branches=await self.units(attending_branch_ids),
            attending_branch_ids=attending_branch_ids,
            attendee_member_ids=attendee_member_ids,
            members=await self.members(attendee_member_ids),
            today=self.today(),
        )
        assert unit is not None
        return await self.append(
            stream, [event], unit.path, held_on, expected=0, actor=actor, idempotency=idempotency
        )

    async def assign_monthly_tasks(
        self,
        unit_id: str,
        month: str,
        assigned_on: date,
        branch_ids: Sequence[str],
        tasks: Sequence[str],
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        unit = await self.directory.get(unit_id)
        event = rules.assign_monthly_tasks(
            unit=unit,
            unit_id=unit_id,
            month=month,
            assigned_on=assigned_on,
            branches=await self.units(branch_ids),
            branch_ids=branch_ids,
            tasks=tasks,
            today=self.today(),
        )
        assert unit is not None
        # More tasks may be given later in the month: the stream takes them in any number.
        return await self.append(
            f"tasks-{unit_id}-{month}",
            [event],
            unit.path,
            assigned_on,
            expected=None,
            actor=actor,
            idempotency=idempotency,
        )
