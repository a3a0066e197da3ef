"""The recognition workflow's handlers: load a union's state for the year, let the domain decide the
step, append its event at the version read (optimistic concurrency). Each step answers with the new state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.adapters.recognition_rows import registration_fact, save_recognition, stored_steps
from services.evaluation.domain import commands as cmds
from services.evaluation.domain.recognition import Recognition, Registration, recognising_unit
from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.domain.streams import recognition_stream
from shared.clock import Clock
from shared.commands import Context
from shared.contracts.evaluation import RecognitionDenied, UnitRecognised
from shared.contracts.org import OrgUnit
from shared.events import Envelope, Event, NewEvent
from shared.orgtree.guard import Dated, require_open
from shared.store import EventStore, StreamAppend


class RecognitionState(BaseModel):
    """Where a union's recognition for a year stands; ``event_id`` names the step just recorded."""

    unit_id: str
    year: int
    stage: str
    registered_on: date | None
    recognising_unit_id: str | None
    self_assessed_on: date | None
    appraisals: dict[int, dict[str, str]]
    decision_number: str | None
    decided_on: date | None
    reasons: list[str]
    event_id: str | None = None


def state_of(recognition: Recognition, event_id: str | None = None) -> RecognitionState:
    decision = recognition.decision
    registration = recognition.registration
    return RecognitionState(
        unit_id=recognition.unit_id,
        year=recognition.year,
        stage=recognition.stage.value,
        registered_on=registration.registered_on if registration else None,
        recognising_unit_id=registration.recognising_unit_id if registration else None,
        self_assessed_on=recognition.self_assessment.submitted_on if recognition.self_assessment else None,
        appraisals={
            c: {"verdict": a.verdict.value, "status": a.status.value, "comment": a.comment}
            for c, a in sorted(recognition.appraisals.items())
        },
        decision_number=decision.decision_number if isinstance(decision, UnitRecognised) else None,
        decided_on=decision.decided_on if decision is not None else None,
        reasons=list(decision.reasons) if isinstance(decision, RecognitionDenied) else [],
        event_id=event_id,
    )


class RecognitionHandlers:
    """Self-assessment, appraisal and decision, each on the union the command was authorised on.

    Appraisals and decisions are made by the unit the caller's token stands for (``ctx.acting_unit_id``):
    the domain refuses any but the union's recognising unit.
    """

    def __init__(self, store: EventStore, book: RuleBook, clock: Clock) -> None:
        self.store = store
        self.book = book
        self.clock = clock

    async def self_assess(self, cmd: cmds.SubmitSelfAssessment, ctx: Context) -> Sequence[Envelope]:
        return await self._step(
            cmd,
            ctx,
            Dated.on("submitted_on", cmd.submitted_on),
            lambda state: state.self_assess(cmd.submitted_on, cmd.claims),
        )

    async def appraise(self, cmd: cmds.AppraiseCriterion, ctx: Context) -> Sequence[Envelope]:
        return await self._step(
            cmd,
            ctx,
            Dated.year("year", cmd.year),
            lambda state: state.appraise(
                ctx.acting_unit_id, cmd.criterion, cmd.verdict, cmd.status, cmd.comment
            ),
        )

    async def decide(self, cmd: cmds.DecideRecognition, ctx: Context) -> Sequence[Envelope]:
        return await self._step(
            cmd,
            ctx,
            Dated.year("year", cmd.year),
            lambda state: state.decide(
                ctx.acting_unit_id,
                recognised=cmd.recognised,
                decided_on=cmd.decided_on,
                decision_number=cmd.decision_number,
                reasons=cmd.reasons,
            ),
        )

    async def _step(
        self,
        cmd: cmds.RecognitionCommand,
        ctx: Context,
        when: Dated,
        decide: Callable[[Recognition], Event],
    ) -> Sequence[Envelope]:
        """A step dated ``when``: the self-assessment on the day it is submitted, an appraisal or a
        decision in the year it is about; the union existed then (closed since, or not)."""
        union = ctx.the_unit()
        require_open(union, when)
        state, version = await self.load(union, cmd.year)
        event = decide(state)
        state.apply(event)
        ctx.reply = lambda envelopes: state_of(state, str(envelopes[0].event_id))
        return await self.record(union, cmd.year, version, state, event, ctx)

    async def load(self, union: OrgUnit, year: int) -> tuple[Recognition, int]:
        """The workflow's state from its stream, and the stream's version: what a step is decided on."""
        registration = await self.registration(union, year)
        history = await self.store.read_stream(recognition_stream(union.unit_id, year))
        events = [e.payload for e in history]
        return Recognition.from_history(union.unit_id, year, registration, events), len(history)

    async def read(self, union: OrgUnit, year: int) -> Recognition:
        """The workflow's state as every page and list reads it: the recognition table's row, written with
        each step (so what :meth:`load` gives, once what was recorded by other means is applied)."""
        registration = await self.registration(union, year)
        return Recognition.from_history(union.unit_id, year, registration, await self.stored(union, year))

    async def registration(self, union: OrgUnit, year: int) -> Registration | None:
        """The union's registration as a model for ``year`` (from planning's facts), or None."""
        async with self.store.db.read() as conn:
            found = await registration_fact(conn, union.unit_id, year)
        if found is None:
            return None
        return Registration(found[0], recognising_unit(self.book, union, found[1]))

    async def stored(self, union: OrgUnit, year: int) -> list[Event]:
        """The steps the recognition table holds for the union and year."""
        async with self.store.db.read() as conn:
            steps, _ = await stored_steps(conn, union.unit_id, year)
        return steps

    async def save(
        self, conn: AsyncConnection, union: OrgUnit, year: int, state: Recognition, version: int
    ) -> None:
        """The table's row for ``state``, the workflow's stream folded to ``version``."""
        await save_recognition(conn, union.unit_id, year, union.path, state.steps, version)

    async def record(
        self, union: OrgUnit, year: int, version: int, state: Recognition, event: Event, ctx: Context
    ) -> Sequence[Envelope]:
        """Append the step's ``event`` at the workflow's ``version``, as ``ctx``'s actor, once per its key,
        and the row of ``state`` (the workflow with the event) in the same transaction: no reader sees
        the one without the other."""
        new = NewEvent(recognition_stream(union.unit_id, year), event, union.path, self.clock.now())

        async def row(conn: AsyncConnection, appended: Sequence[Envelope]) -> None:
            await self.save(conn, union, year, state, appended[-1].stream_version)

        return await self.store.append(
            StreamAppend(new.stream_id, [new], version),
            actor=ctx.actor,
            idempotency=ctx.idempotency,
            effects=row,
        )
