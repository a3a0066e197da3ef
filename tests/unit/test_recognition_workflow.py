"""Evaluation's recognition workflow driven command by command through its table over an in-memory store:
registration, self-assessment, appraisal of each criterion, decision; a step out of order is refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from services.evaluation.app.commands import command_table
from services.evaluation.app.recognition import RecognitionState
from services.evaluation.domain.commands import (
    AppraiseCriterion,
    DecideRecognition,
    RecognitionCommand,
    SubmitSelfAssessment,
)
from services.evaluation.domain.recognition import Recognition, Registration, Stage
from services.evaluation.domain.streams import recognition_stream
from shared.clock import FixedClock
from shared.commands import CommandTable, Context
from shared.contracts.evaluation import AppraisalVerdict, Status
from shared.contracts.org import OrgUnit, UnitLevel, UnitStatus
from shared.errors import DomainError
from shared.events import Envelope
from shared.store import ConcurrencyError
from tests.fakes import InMemoryEventStore, org_unit, refusal
from tests.fakes.evaluation import InMemoryRecognitionHandlers

YEAR = 2026
UNION = org_unit("vn.bg.bg-pl.pl-x", UnitLevel.GRASSROOTS, recognising_unit_id="bg-pl")
REGISTERED = Registration(date(2026, 2, 1), "bg-pl")
CLOCK = FixedClock(datetime(2026, 12, 7, 3, tzinfo=UTC))
RECOGNISE = DecideRecognition(
    unit_id="pl-x", year=YEAR, recognised=True, decided_on=date(2026, 12, 5), decision_number="125-QĐ/HĐTN"
)
DENY = DecideRecognition(
    unit_id="pl-x",
    year=YEAR,
    recognised=False,
    decided_on=date(2026, 12, 5),
    reasons=("Tiêu chí 2 không đạt",),
)


def self_assessment(
    on: date = date(2026, 11, 20), claims: dict[str, str] | None = None
) -> SubmitSelfAssessment:
    return SubmitSelfAssessment(unit_id="pl-x", year=YEAR, submitted_on=on, claims=claims or {})


def appraisal(criterion: int, status: Status = Status.PASS) -> AppraiseCriterion:
    return AppraiseCriterion(
        unit_id="pl-x",
        year=YEAR,
        criterion=criterion,
        verdict=AppraisalVerdict.CONFIRMED,
        status=status,
        comment="Đạt theo hồ sơ",
    )


@dataclass
class Workflow:
    store: InMemoryEventStore
    handlers: InMemoryRecognitionHandlers
    table: CommandTable
    union: OrgUnit = UNION

    async def step(self, command: RecognitionCommand, by: str = "bg-pl") -> Sequence[Envelope]:
        """What a recognition route does: the command, on the union, by the token's unit ``by``."""
        return await self.table.handle(command, Context(actor="officer", unit=self.union, acting_unit_id=by))

    async def state(self) -> Recognition:
        recognition, _ = await self.handlers.load(UNION, YEAR)
        return recognition

    async def appraised(self, failing: int | None = None, on: date = date(2026, 11, 20)) -> None:
        await self.step(self_assessment(on, claims={"1": "Đạt"}))
        for criterion in (1, 2, 3):
            await self.step(appraisal(criterion, Status.FAIL if criterion == failing else Status.PASS))


def workflow(registration: Registration | None = REGISTERED, union: OrgUnit = UNION) -> Workflow:
    store = InMemoryEventStore("evaluation")
    registrations = {("pl-x", YEAR): registration} if registration is not None else {}
    handlers = InMemoryRecognitionHandlers(store, clock=CLOCK, registrations=registrations)
    return Workflow(store, handlers, command_table(handlers), union)


async def test_a_union_is_recognised_after_self_assessment_and_three_passing_appraisals() -> None:
    recognising = workflow()
    await recognising.appraised()
    [decided] = await recognising.step(RECOGNISE)
    assert (decided.type, decided.stream_id, decided.unit_path) == (
        "UnitRecognised",
        "recognition-pl-x-2026",
        UNION.path,
    )
    recognition = await recognising.state()
    assert recognition.stage is Stage.RECOGNISED and len(recognition.appraisals) == 3


async def test_a_step_answers_with_the_new_state_naming_its_event() -> None:
    recognising = workflow()
    context = Context(actor="secretary", unit=UNION, acting_unit_id="pl-x")
    [submitted] = await recognising.table.handle(self_assessment(claims={"1": "Đạt"}), context)
    assert context.reply is not None
    answer = context.reply([submitted])
    assert isinstance(answer, RecognitionState)
    assert (answer.stage, answer.self_assessed_on, answer.recognising_unit_id, answer.event_id) == (
        "self_assessed",
        date(2026, 11, 20),
        "bg-pl",
        str(submitted.event_id),
    )


async def test_a_self_assessment_without_registration_is_refused_at_its_stage() -> None:
    recognising = workflow(registration=None)
    with pytest.raises(DomainError) as refused:
        await recognising.step(self_assessment())
    assert refusal(refused.value) == ("recognition_step", "stage", "unregistered")
    assert refused.value.accepted == "registered" and refused.value.status_code == 409
    assert await recognising.store.stream_version(recognition_stream("pl-x", YEAR)) == 0


async def test_an_appraisal_before_the_self_assessment_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        await workflow().step(appraisal(1))
    assert refusal(refused.value) == ("recognition_step", "stage", "registered")


async def test_a_second_self_assessment_is_refused() -> None:
    recognising = workflow()
    await recognising.step(self_assessment())
    with pytest.raises(DomainError) as refused:
        await recognising.step(self_assessment(on=date(2026, 11, 21)))
    assert refusal(refused.value) == ("recognition_step", "stage", "self_assessed")


async def test_a_decision_before_all_three_criteria_are_appraised_is_refused() -> None:
    recognising = workflow()
    await recognising.step(self_assessment())
    await recognising.step(appraisal(1))
    with pytest.raises(DomainError) as refused:
        await recognising.step(RECOGNISE)
    assert refusal(refused.value) == ("recognition_step", "stage", "self_assessed")


async def test_only_the_recognising_unit_appraises() -> None:
    recognising = workflow()
    await recognising.step(self_assessment())
    with pytest.raises(DomainError) as refused:
        await recognising.step(appraisal(1), by="bg")
    assert refusal(refused.value) == ("not_recognising_unit", "unit", "bg")
    assert refused.value.status_code == 403


async def test_an_appraisal_that_does_not_conclude_is_refused() -> None:
    recognising = workflow()
    await recognising.step(self_assessment())
    with pytest.raises(DomainError) as refused:
        await recognising.step(appraisal(2, Status.AT_RISK))
    assert refusal(refused.value) == ("appraisal_status", "status", "at_risk")


async def test_a_recognition_needs_its_decision_number_and_a_denial_its_reasons() -> None:
    recognising = workflow()
    await recognising.appraised()
    with pytest.raises(DomainError) as unnumbered:
        await recognising.step(
            DecideRecognition(unit_id="pl-x", year=YEAR, recognised=True, decided_on=date(2026, 12, 5))
        )
    assert refusal(unnumbered.value) == ("decision_number_required", "decision_number", None)
    with pytest.raises(DomainError) as unreasoned:
        await recognising.step(
            DecideRecognition(unit_id="pl-x", year=YEAR, recognised=False, decided_on=date(2026, 12, 5))
        )
    assert refusal(unreasoned.value) == ("reasons_required", "reasons", [])
    assert unnumbered.value.status_code == unreasoned.value.status_code == 422
    assert (await recognising.state()).stage is Stage.APPRAISED


async def test_a_union_with_a_failed_criterion_cannot_be_recognised_but_can_be_denied() -> None:
    recognising = workflow()
    await recognising.appraised(failing=2)
    with pytest.raises(DomainError) as refused:
        await recognising.step(RECOGNISE)
    assert refusal(refused.value) == ("criteria_not_met", "criteria", [2])
    [denied] = await recognising.step(DENY)
    assert denied.type == "RecognitionDenied" and (await recognising.state()).stage is Stage.DENIED


async def test_a_decided_workflow_takes_no_further_appraisal() -> None:
    recognising = workflow()
    await recognising.appraised()
    await recognising.step(RECOGNISE)
    with pytest.raises(DomainError) as refused:
        await recognising.step(appraisal(1))
    assert refusal(refused.value) == ("recognition_step", "stage", "recognised")


async def test_two_appraisals_on_the_same_reading_let_only_the_first_in() -> None:
    recognising = workflow()
    await recognising.step(self_assessment())
    recognition, version = await recognising.handlers.load(UNION, YEAR)
    first, second = (
        recognition.appraise("bg-pl", criterion, AppraisalVerdict.CONFIRMED, Status.PASS, "Đạt")
        for criterion in (1, 2)
    )
    await recognising.handlers.record(UNION, YEAR, version, recognition, first, Context(actor="officer-1"))
    with pytest.raises(ConcurrencyError) as lost:
        await recognising.handlers.record(
            UNION, YEAR, version, recognition, second, Context(actor="officer-2")
        )
    assert (lost.value.expected, lost.value.actual) == (1, 2)


async def test_a_self_assessment_dated_before_the_union_was_founded_is_refused() -> None:
    recognising = workflow()
    with pytest.raises(DomainError) as refused:
        await recognising.step(self_assessment(date(2019, 12, 31)))
    assert refusal(refused.value) == ("outside_unit_dates", "submitted_on", "2019-12-31")
    assert refused.value.accepted == "a date from 2020-01-01"
    assert await recognising.store.stream_version(recognition_stream("pl-x", YEAR)) == 0


async def test_a_closed_union_is_recognised_for_the_year_it_lived_in_but_not_for_a_year_after() -> None:
    closed = org_unit(
        "vn.bg.bg-pl.pl-x", UnitLevel.GRASSROOTS, recognising_unit_id="bg-pl", status=UnitStatus.CLOSED
    )
    recognising = workflow(union=closed)  # closed on 2026-06-30
    with pytest.raises(DomainError) as late:
        await recognising.step(self_assessment(date(2026, 7, 1)))
    assert refusal(late.value) == ("outside_unit_dates", "submitted_on", "2026-07-01")
    await recognising.appraised(on=date(2026, 6, 15))
    [decided] = await recognising.step(RECOGNISE)
    assert decided.type == "UnitRecognised"
    with pytest.raises(DomainError) as after:
        await recognising.step(AppraiseCriterion(
            unit_id="pl-x", year=2027, criterion=1, verdict=AppraisalVerdict.CONFIRMED, status=Status.PASS,
            comment="x",
        ))  # fmt: skip
    assert refusal(after.value) == ("outside_unit_dates", "year", 2027)
    assert after.value.accepted == "a year from 2020-01-01 to 2026-06-30"
    assert await recognising.store.stream_version(recognition_stream("pl-x", 2027)) == 0
