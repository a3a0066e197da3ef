"""Handlers of plans and model registration: load the plan, let the domain decide, append."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from services.planning.app.handlers import AreaHandlers
from services.planning.domain import commands as cmds
from services.planning.domain import plans as rules
from services.planning.domain.streams import model_stream, plan_stream
from shared.commands import Context
from shared.contracts.org import OrgUnit
from shared.events import Envelope, Event
from shared.orgtree.guard import Dated


class PlanHandlers(AreaHandlers):
    async def draft(self, cmd: cmds.DraftPlan, ctx: Context) -> Sequence[Envelope]:
        # A plan of a year the unit existed in (a closed unit's plans are its history).
        unit = await self.planning.unit_on(cmd.unit_id, Dated.year("year", cmd.year))
        plan_id = rules.plan_id_of(cmd.unit_id, cmd.year, cmd.kind)
        ctx.named["plan_id"] = plan_id
        existing = await self.planning.find_plan(plan_id)
        event = rules.draft_plan(
            existing=existing, unit=unit, year=cmd.year, kind=cmd.kind, title=cmd.title, targets=cmd.targets
        )
        expected = existing.version if existing is not None else 0
        return await self.planning.append(
            plan_stream(plan_id), [event], unit.path, self.planning.today(), ctx, expected=expected
        )

    async def submit(self, cmd: cmds.SubmitPlan, ctx: Context) -> Sequence[Envelope]:
        plan, unit = await self._plan(cmd.plan_id, Dated.on("submitted_on", cmd.submitted_on))
        event = rules.submit_plan(
            plan, submitted_to=cmd.submitted_to, submitted_on=cmd.submitted_on, today=self.planning.today()
        )
        return await self._append(plan, unit, event, cmd.submitted_on, ctx)

    async def approve(self, cmd: cmds.ApprovePlan, ctx: Context) -> Sequence[Envelope]:
        """Approve the plan, deciding as the unit the token stands for; both units existed that day."""
        approved = Dated.on("approved_on", cmd.approved_on)
        plan, unit = await self._plan(cmd.plan_id, approved)
        decider = await self.planning.unit_on(ctx.acting_unit_id, approved, field="unit")
        today = self.planning.today()
        event = rules.approve_plan(plan, unit=unit, decider=decider, approved_on=cmd.approved_on, today=today)
        return await self._append(plan, unit, event, cmd.approved_on, ctx)

    async def return_(self, cmd: cmds.ReturnPlan, ctx: Context) -> Sequence[Envelope]:
        """Return the plan with its reasons, deciding as the unit the token stands for; both units existed
        that day."""
        returned = Dated.on("returned_on", cmd.returned_on)
        plan, unit = await self._plan(cmd.plan_id, returned)
        decider = await self.planning.unit_on(ctx.acting_unit_id, returned, field="unit")
        event = rules.return_plan(
            plan,
            unit=unit,
            decider=decider,
            returned_on=cmd.returned_on,
            reasons=cmd.reasons,
            today=self.planning.today(),
        )
        return await self._append(plan, unit, event, cmd.returned_on, ctx)

    async def record_party_opinion(self, cmd: cmds.RecordPartyOpinion, ctx: Context) -> Sequence[Envelope]:
        plan, unit = await self._plan(cmd.plan_id, Dated.on("recorded_on", cmd.recorded_on))
        event = rules.record_party_opinion(
            plan, recorded_on=cmd.recorded_on, opinion=cmd.opinion, today=self.planning.today()
        )
        return await self._append(plan, unit, event, cmd.recorded_on, ctx)

    async def _plan(self, plan_id: str, when: Dated) -> tuple[rules.Plan, OrgUnit]:
        """The plan, and its unit, existing when the step is dated."""
        plan = await self.planning.plan(plan_id)
        return plan, await self.planning.unit_on(plan.unit_id, when)

    async def _append(
        self, plan: rules.Plan, unit: OrgUnit, event: Event, day: date, ctx: Context
    ) -> Sequence[Envelope]:
        """Append to the plan as it was read."""
        stream = plan_stream(plan.plan_id)
        return await self.planning.append(stream, [event], unit.path, day, ctx, expected=plan.version)

    async def register_model(self, cmd: cmds.RegisterModel, ctx: Context) -> Sequence[Envelope]:
        unit = await self.planning.unit_on(cmd.unit_id, Dated.on("registered_on", cmd.registered_on))
        stream = model_stream(cmd.unit_id, cmd.year)
        recognising_id = unit.recognising_unit_id or unit.parent_id
        event = rules.register_model(
            already=await self.planning.store.stream_version(stream) > 0,
            unit=unit,
            recognising=await self.planning.directory.get(recognising_id) if recognising_id else None,
            year=cmd.year,
            registered_on=cmd.registered_on,
            deadline=cmd.deadline,
            today=self.planning.today(),
        )
        return await self.planning.append(stream, [event], unit.path, cmd.registered_on, ctx, expected=0)
