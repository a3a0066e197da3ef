"""Evaluation's recognition workflow driven step by step over an in-memory store: registration,
self-assessment, appraisal of each criterion, decision; a step out of order is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from services.evaluation.app import recognition as workflow
from services.evaluation.domain.recognition import Recognition, Registration, Stage
from shared.clock import FixedClock
from shared.contracts.evaluation import AppraisalVerdict, Status
from shared.contracts.org import UnitLevel
from shared.errors import DomainError
from shared.events import Envelope, Event
from shared.store import ConcurrencyError
from tests.fakes import InMemoryEventStore, org_unit, refusal

YEAR = 2026
UNION = org_unit("vn.bg.bg-pl.pl-x", UnitLevel.GRASSROOTS, recognising_unit_id="bg-pl")
REGISTERED = Registration(date(2026, 2, 1), "bg-pl")
CLOCK = FixedClock(datetime(2026, 12, 7, 3, tzinfo=UTC))


async def state(store: InMemoryEventStore, registration: Registration | None = REGISTERED) -> Recognition:
    recognition, _ = await workflow.replay(store, UNION, YEAR, registration)
    return recognition


async def step(
    store: InMemoryEventStore,
    decide: Callable[[Recognition], Event],
    registration: Registration | None = REGISTERED,
) -> list[Envelope]:
    """What a recognition route does: replay the workflow, decide the step, append at the version read."""
    recognition, version = await workflow.replay(store, UNION, YEAR, registration)
    return await workflow.record(store, UNION, YEAR, version, decide(recognition), CLOCK, actor="officer")


def appraise(
    criterion: int, status: Status = Status.PASS, by: str = "bg-pl"
) -> Callable[[Recognition], Event]:
    return lambda r: r.appraise(by, criterion, AppraisalVerdict.CONFIRMED, status, "Đạt theo hồ sơ")


async def appraised(store: InMemoryEventStore, failing: int | None = None) -> None:
    await step(store, lambda r: r.self_assess(date(2026, 11, 20), {"1": "Đạt"}))
    for criterion in (1, 2, 3):
        await step(store, appraise(criterion, Status.FAIL if criterion == failing else Status.PASS))


async def test_a_union_is_recognised_after_self_assessment_and_three_passing_appraisals() -> None:
    store = InMemoryEventStore("evaluation")
    await appraised(store)
    [decided] = await step(store, lambda r: r.recognise("bg-pl", "125-QĐ/HĐTN", date(2026, 12, 5)))
    assert (decided.type, decided.stream_id, decided.unit_path) == (
        "UnitRecognised",
        "recognition-pl-x-2026",
        UNION.path,
    )
    recognition = await state(store)
    assert recognition.stage is Stage.RECOGNISED and len(recognition.appraisals) == 3


async def test_a_self_assessment_without_registration_is_refused_at_its_stage() -> None:
    store = InMemoryEventStore("evaluation")
    with pytest.raises(DomainError) as refused:
        await step(store, lambda r: r.self_assess(date(2026, 11, 20), {}), registration=None)
    assert refusal(refused.value) == ("recognition_step", "stage", "unregistered")
    assert refused.value.accepted == "registered" and refused.value.status_code == 409
    assert await store.stream_version(workflow.stream_of("pl-x", YEAR)) == 0


async def test_an_appraisal_before_the_self_assessment_is_refused() -> None:
    store = InMemoryEventStore("evaluation")
    with pytest.raises(DomainError) as refused:
        await step(store, appraise(1))
    assert refusal(refused.value) == ("recognition_step", "stage", "registered")


async def test_a_second_self_assessment_is_refused() -> None:
    store = InMemoryEventStore("evaluation")
    await step(store, lambda r: r.self_assess(date(2026, 11, 20), {}))
    with pytest.raises(DomainError) as refused:
        await step(store, lambda r: r.self_assess(date(2026, 11, 21), {}))
    assert refusal(refused.value) == ("recognition_step", "stage", "self_assessed")


async def test_a_decision_before_all_three_criteria_are_appraised_is_refused() -> None:
    store = InMemoryEventStore("evaluation")
    await step(store, lambda r: r.self_assess(date(2026, 11, 20), {}))
    await step(store, appraise(1))
    with pytest.raises(DomainError) as refused:
        await step(store, lambda r: r.recognise("bg-pl", "125-QĐ/HĐTN", date(2026, 12, 5)))
    assert refusal(refused.value) == ("recognition_step", "stage", "self_assessed")


async def test_only_the_recognising_unit_appraises() -> None:
    store = InMemoryEventStore("evaluation")
    await step(store, lambda r: r.self_assess(date(2026, 11, 20), {}))
    with pytest.raises(DomainError) as refused:
        await step(store, appraise(1, by="bg"))
    assert refusal(refused.value) == ("not_recognising_unit", "unit", "bg")
    assert refused.value.status_code == 403


async def test_an_appraisal_that_does_not_conclude_is_refused() -> None:
    store = InMemoryEventStore("evaluation")
    await step(store, lambda r: r.self_assess(date(2026, 11, 20), {}))
    with pytest.raises(DomainError) as refused:
        await step(store, appraise(2, Status.AT_RISK))
    assert refusal(refused.value) == ("appraisal_status", "status", "at_risk")


async def test_a_union_with_a_failed_criterion_cannot_be_recognised_but_can_be_denied() -> None:
    store = InMemoryEventStore("evaluation")
    await appraised(store, failing=2)
    with pytest.raises(DomainError) as refused:
        await step(store, lambda r: r.recognise("bg-pl", "125-QĐ/HĐTN", date(2026, 12, 5)))
    assert refusal(refused.value) == ("criteria_not_met", "criteria", [2])
    [denied] = await step(store, lambda r: r.deny("bg-pl", date(2026, 12, 5), ("Tiêu chí 2 không đạt",)))
    assert denied.type == "RecognitionDenied" and (await state(store)).stage is Stage.DENIED


async def test_a_decided_workflow_takes_no_further_appraisal() -> None:
    store = InMemoryEventStore("evaluation")
    await appraised(store)
    await step(store, lambda r: r.recognise("bg-pl", "125-QĐ/HĐTN", date(2026, 12, 5)))
    with pytest.raises(DomainError) as refused:
        await step(store, appraise(1))
    assert refusal(refused.value) == ("recognition_step", "stage", "recognised")


async def test_two_appraisals_on_the_same_reading_let_only_the_first_in() -> None:
    store = InMemoryEventStore("evaluation")
    await step(store, lambda r: r.self_assess(date(2026, 11, 20), {}))
    recognition, version = await workflow.replay(store, UNION, YEAR, REGISTERED)
    first = appraise(1)(recognition)
    await workflow.record(store, UNION, YEAR, version, first, CLOCK, actor="officer-1")
    with pytest.raises(ConcurrencyError) as lost:
        await workflow.record(store, UNION, YEAR, version, appraise(2)(recognition), CLOCK, actor="officer-2")
    assert (lost.value.expected, lost.value.actual) == (1, 2)
