"""Handlers of plans and model registration: load the plan, decide, append."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from services.planning.app.base import PlanningContext
from services.planning.domain import plans as rules
from services.planning.domain.checks import require_unit
from shared.contracts.planning import PlanKind, SubmittedTo, Target
from shared.errors import NotFoundError
from shared.events import Envelope, Event
from shared.store.event_store import Idempotency


def plan_stream(plan_id: str) -> str:
    return f"plan-{plan_id}"


def unknown_plan(plan_id: str) -> NotFoundError:
    """The answer for a plan not drafted (over HTTP: or not in the token's scope)."""
    return NotFoundError(
        f"plan {plan_id!r} is not recorded",
        rule="unknown_plan",
        field="plan_id",
        value=plan_id,
        accepted="the id of a drafted plan, e.g. 'pl-x.2026.annual_plan'",
    )


class PlanHandlers(PlanningContext):
    async def plan(self, plan_id: str) -> rules.Plan:
        plan = rules.Plan.replay(await self._payloads(plan_stream(plan_id)))
        if plan is None:
            raise unknown_plan(plan_id)
        return plan

    async def draft_plan(
        self,
        unit_id: str,
        year: int,
        kind: PlanKind,
        title: str,
        targets: Sequence[Target],
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        unit = require_unit(await self.directory.get(unit_id), unit_id)
        plan_id = rules.plan_id_of(unit_id, year, kind)
        existing = rules.Plan.replay(await self._payloads(plan_stream(plan_id)))
        event = rules.draft_plan(
            existing=existing, unit=unit, year=year, kind=kind, title=title, targets=targets
        )
        expected = existing.version if existing is not None else 0
        return await self.append(
            plan_stream(plan_id),
            [event],
            unit.path,
            self.today(),
            expected=expected,
            actor=actor,
            idempotency=idempotency,
        )

    async def submit_plan(
        self,
        plan: rules.Plan,
        submitted_to: SubmittedTo,
        submitted_on: date,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        unit = require_unit(await self.directory.get(plan.unit_id), plan.unit_id)
        event = rules.submit_plan(
            plan, submitted_to=submitted_to, submitted_on=submitted_on, today=self.today()
        )
        return await self._append_plan(plan, event, unit.path, submitted_on, actor, idempotency)

    async def decide_plan(
        self,
        plan: rules.Plan,
        decider_unit_id: str,
        decided_on: date,
        reasons: Sequence[str] | None,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        """Approve the plan, or return it when ``reasons`` are given."""
        unit = require_unit(await self.directory.get(plan.unit_id), plan.unit_id)
        decider = require_unit(await self.directory.get(decider_unit_id), decider_unit_id, field="unit")
        today = self.today()
        event = (
            rules.approve_plan(plan, unit=unit, decider=decider, approved_on=decided_on, today=today)
            if reasons is None
            else rules.return_plan(
                plan, unit=unit, decider=decider, returned_on=decided_on, reasons=reasons, today=today
            )
        )
        return await self._append_plan(plan, event, unit.path, decided_on, actor, idempotency)

    async def record_party_opinion(
        self,
        plan: rules.Plan,
        recorded_on: date,
        opinion: str,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        unit = require_unit(await self.directory.get(plan.unit_id), plan.unit_id)
        event = rules.record_party_opinion(plan, recorded_on=recorded_on, opinion=opinion, today=self.today())
        return await self._append_plan(plan, event, unit.path, recorded_on, actor, idempotency)

    async def _append_plan(
        self,
        plan: rules.Plan,
        event: Event,
        path: str,
        day: date,
        actor: str,
        idempotency: Idempotency | None,
    ) -> list[Envelope]:
        return await self.append(
            plan_stream(plan.plan_id),
            [event],
            path,
            day,
            expected=plan.version,
            actor=actor,
            idempotency=idempotency,
        )

    async def register_model(
        self,
        unit_id: str,
        year: int,
        registered_on: date,
        deadline: date | None,
        *,
        actor: str,
        idempotency: Idempotency | None = None,
    ) -> list[Envelope]:
        unit = require_unit(await self.directory.get(unit_id), unit_id)
        stream = f"model-{unit_id}-{year}"
        recognising_id = unit.recognising_unit_id or unit.parent_id
        event = rules.register_model(
            already=await self.store.stream_version(stream) > 0,
            unit=unit,
            recognising=await self.directory.get(recognising_id) if recognising_id else None,
            year=year,
            registered_on=registered_on,
            deadline=deadline,
            today=self.today(),
        )
        return await self.append(
            stream, [event], unit.path, registered_on, expected=0, actor=actor, idempotency=idempotency
        )
