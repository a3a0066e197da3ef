"""Handlers of the unit's work: activities, youth projects, reports, reviews, inspections, good models."""

from __future__ import annotations

from collections.abc import Sequence

from services.planning.app.handlers import AreaHandlers, chosen_id
from services.planning.domain import commands as cmds
from services.planning.domain import work
from shared.commands import Context
from shared.events import Envelope
from shared.orgtree.guard import Dated


class WorkHandlers(AreaHandlers):
    async def schedule_activity(self, cmd: cmds.ScheduleActivity, ctx: Context) -> Sequence[Envelope]:
        activity_id = chosen_id(ctx, "activity_id", cmd.activity_id, "act")
        return await self.planning.record(
            work.schedule_activity(cmd, activity_id=activity_id), cmd.unit_id, ctx
        )

    async def hold_activity(self, cmd: cmds.HoldActivity, ctx: Context) -> Sequence[Envelope]:
        activity = await self.planning.record_state("activity", cmd.activity_id)
        attachments = await self.planning.attachments([cmd.evidence])
        event = work.hold_activity(activity, cmd, attachments=attachments, today=self.planning.today())
        return await self.planning.close(activity, event, Dated.on("held_on", cmd.held_on), ctx)

    async def cancel_activity(self, cmd: cmds.CancelActivity, ctx: Context) -> Sequence[Envelope]:
        activity = await self.planning.record_state("activity", cmd.activity_id)
        event = work.cancel_activity(activity, cmd, today=self.planning.today())
        return await self.planning.close(activity, event, Dated.on("cancelled_on", cmd.cancelled_on), ctx)

    async def register_project(self, cmd: cmds.RegisterProject, ctx: Context) -> Sequence[Envelope]:
        project_id = chosen_id(ctx, "project_id", cmd.project_id, "prj")
        return await self.planning.record(work.register_project(cmd, project_id=project_id), cmd.unit_id, ctx)

    async def complete_project(self, cmd: cmds.CompleteProject, ctx: Context) -> Sequence[Envelope]:
        project = await self.planning.record_state("project", cmd.project_id)
        attachments = await self.planning.attachments([cmd.evidence])
        event = work.complete_project(project, cmd, attachments=attachments, today=self.planning.today())
        return await self.planning.close(project, event, Dated.on("completed_on", cmd.completed_on), ctx)

    async def submit_report(self, cmd: cmds.SubmitReport, ctx: Context) -> Sequence[Envelope]:
        return await self.planning.record(work.submit_report(cmd), cmd.unit_id, ctx)

    async def hold_review(self, cmd: cmds.HoldReview, ctx: Context) -> Sequence[Envelope]:
        return await self.planning.record(work.hold_review(cmd), cmd.unit_id, ctx)

    async def hold_inspection(self, cmd: cmds.HoldInspection, ctx: Context) -> Sequence[Envelope]:
        inspection_id = chosen_id(ctx, "inspection_id", None, "ins")
        return await self.planning.record(
            work.hold_inspection(cmd, inspection_id=inspection_id), cmd.unit_id, ctx
        )

    async def recognise_model(self, cmd: cmds.RecogniseGoodModel, ctx: Context) -> Sequence[Envelope]:
        model_id = chosen_id(ctx, "model_id", cmd.model_id, "gm")
        return await self.planning.record(work.recognise_model(cmd, model_id=model_id), cmd.unit_id, ctx)
