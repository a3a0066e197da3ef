"""The recognition workflow over HTTP: self-assessment, appraisal per criterion, decision, state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints

from services.evaluation.app import recognition as workflow
from services.evaluation.domain.recognition import Recognition
from services.evaluation.domain.rulebook import RuleBook
from shared.auth import Permission, Principal
from shared.clock import Clock
from shared.contracts.evaluation import AppraisalVerdict, RecognitionDenied, Status, UnitRecognised
from shared.contracts.text import Line, Note
from shared.contracts.values import Day, Year
from shared.errors import DomainError
from shared.events import Envelope, Event
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.bodies import RequestBody
from shared.http.idempotency import IdempotencyKey, run_command
from shared.http.params import UnitIdPath
from shared.store.event_store import Idempotency

router = APIRouter(tags=["recognition"])


Criterion = Annotated[str, StringConstraints(pattern=r"^[1-3]$")]


class _Command(RequestBody):
    year: Year


class SelfAssessment(_Command):
    submitted_on: Day
    claims: dict[Criterion, Annotated[Note, Field(max_length=2000)]] = Field(
        default_factory=dict, description="criterion (1, 2, 3) → claimed status and note"
    )


class Appraisal(_Command):
    criterion: int = Field(ge=1, le=3)
    verdict: AppraisalVerdict
    status: Status = Field(description="pass or fail")
    comment: Note = Field(min_length=1, max_length=4000)


class Decision(_Command):
    recognised: bool
    decided_on: Day
    decision_number: Line | None = Field(default=None, min_length=1, max_length=100)
    reasons: list[Annotated[Note, Field(min_length=1, max_length=2000)]] = Field(
        default_factory=list, max_length=50, description="why recognition is denied"
    )


class RecognitionState(BaseModel):
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


def _state(recognition: Recognition, event_id: str | None = None) -> RecognitionState:
    decision = recognition.decision
    return RecognitionState(
        unit_id=recognition.unit_id,
        year=recognition.year,
        stage=recognition.stage.value,
        registered_on=recognition.registration.registered_on if recognition.registration else None,
        recognising_unit_id=recognition.registration.recognising_unit_id
        if recognition.registration
        else None,
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


class _Context:
    def __init__(self, request: Request) -> None:
        runtime = request.app.state.runtime
        self.db = runtime.db
        self.store = runtime.store
        self.book: RuleBook = request.app.state.rule_book
        self.clock: Clock = request.app.state.clock


async def _run(
    request: Request,
    principal: CurrentPrincipal,
    unit_id: str,
    year: int,
    permission: Permission,
    step: str,
    body: BaseModel,
    idempotency_key: str | None,
) -> JSONResponse:
    union = await authorize(request, principal, permission, unit_id)
    ctx = _Context(request)
    state, version = await workflow.load(ctx.db, ctx.store, ctx.book, union, year)

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        # Checked here, after a retry of an answered request was recognised: the state has moved on.
        event = _step(state, principal, step, body)
        state.apply(event)
        return await workflow.record(
            ctx.store, union, year, version, event, ctx.clock, principal.subject, idempotency=idem
        )

    return await run_command(
        request, ctx.store, idempotency_key, body, execute, lambda envs: _state(state, str(envs[0].event_id))
    )


def _step(state: Recognition, principal: Principal, step: str, body: BaseModel) -> Event:
    """The event of ``step``, or the domain's refusal of it."""
    if step == "self_assess":
        assert isinstance(body, SelfAssessment)
        return state.self_assess(body.submitted_on, body.claims)
    if step == "appraise":
        assert isinstance(body, Appraisal)
        return state.appraise(principal.unit_id, body.criterion, body.verdict, body.status, body.comment)
    assert isinstance(body, Decision)
    if body.recognised:
        if body.decision_number is None:
            raise DecisionNumberMissingError(
                "a recognition needs its decision number",
                rule="decision_number_required",
                field="decision_number",
                value=None,
                accepted="the number of the recognition decision, e.g. 125-QĐ/HĐTN",
            )
        return state.recognise(principal.unit_id, body.decision_number, body.decided_on)
    if not body.reasons:
        raise DecisionNumberMissingError(
            "a denial needs its reasons",
            rule="reasons_required",
            field="reasons",
            value=[],
            accepted="at least one reason",
        )
    return state.deny(principal.unit_id, body.decided_on, tuple(body.reasons))


class DecisionNumberMissingError(DomainError):
    status_code = 422


@router.post(
    "/units/{unit_id}/self-assessment",
    status_code=201,
    response_model=RecognitionState,
    summary="A union submits its self-assessment",
)
async def submit_self_assessment(
    request: Request,
    unit_id: UnitIdPath,
    body: SelfAssessment,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await _run(
        request, principal, unit_id, body.year, Permission.SELF_ASSESS, "self_assess", body, idempotency_key
    )


@router.post(
    "/units/{unit_id}/appraisals",
    status_code=201,
    response_model=RecognitionState,
    summary="The recognising unit appraises one criterion",
)
async def appraise_criterion(
    request: Request,
    unit_id: UnitIdPath,
    body: Appraisal,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await _run(
        request, principal, unit_id, body.year, Permission.APPRAISE, "appraise", body, idempotency_key
    )


@router.post(
    "/units/{unit_id}/decision",
    status_code=201,
    response_model=RecognitionState,
    summary="The recognising unit recognises or denies",
)
async def decide(
    request: Request,
    unit_id: UnitIdPath,
    body: Decision,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await _run(
        request, principal, unit_id, body.year, Permission.APPRAISE, "decide", body, idempotency_key
    )


@router.get("/units/{unit_id}/recognition", summary="Where a union's recognition for a year stands")
async def recognition_state(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    year: Annotated[Year, Query(description="the recognition year")],
) -> RecognitionState:
    union = await authorize(request, principal, Permission.READ, unit_id)
    ctx = _Context(request)
    state, _ = await workflow.load(ctx.db, ctx.store, ctx.book, union, year)
    return _state(state)
