"""The recognition workflow over HTTP: self-assessment, appraisal per criterion, decision, state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from fastapi.types import DecoratedCallable
from pydantic import Field, StringConstraints

from services.evaluation.api.common import clock_of, rule_book
from services.evaluation.app.recognition import RecognitionHandlers, RecognitionState, state_of
from services.evaluation.domain import commands as cmds
from shared.auth import Permission
from shared.contracts.evaluation import AppraisalVerdict, Status
from shared.contracts.text import Line, Note
from shared.contracts.values import Day, Year
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.bodies import RequestBody
from shared.http.commands import Commands
from shared.http.params import UnitIdPath

router = APIRouter(tags=["recognition"])


Criterion = Annotated[str, StringConstraints(pattern=r"^[1-3]$")]


class _Step(RequestBody):
    year: Year


class SelfAssessment(_Step):
    submitted_on: Day
    claims: dict[Criterion, Annotated[Note, Field(max_length=2000)]] = Field(
        default_factory=dict, description="criterion (1, 2, 3) → claimed status and note"
    )


class Appraisal(_Step):
    criterion: int = Field(ge=1, le=3)
    verdict: AppraisalVerdict
    status: Status = Field(description="pass or fail")
    comment: Note = Field(min_length=1, max_length=4000)


class Decision(_Step):
    recognised: bool
    decided_on: Day
    decision_number: Line | None = Field(default=None, min_length=1, max_length=100)
    reasons: list[Annotated[Note, Field(min_length=1, max_length=2000)]] = Field(
        default_factory=list, max_length=50, description="why recognition is denied"
    )


def _step(path: str, summary: str) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """A step of the workflow: it answers 201 with the recognition's new state."""
    return router.post(path, status_code=201, response_model=RecognitionState, summary=summary)


@_step("/units/{unit_id}/self-assessment", "A union submits its self-assessment")
async def submit_self_assessment(unit_id: UnitIdPath, body: SelfAssessment, run: Commands) -> JSONResponse:
    return await run(
        cmds.SubmitSelfAssessment(
            unit_id=unit_id, year=body.year, submitted_on=body.submitted_on, claims=body.claims
        )
    )


@_step("/units/{unit_id}/appraisals", "The recognising unit appraises one criterion")
async def appraise_criterion(unit_id: UnitIdPath, body: Appraisal, run: Commands) -> JSONResponse:
    command = cmds.AppraiseCriterion(
        unit_id=unit_id,
        year=body.year,
        criterion=body.criterion,
        verdict=body.verdict,
        status=body.status,
        comment=body.comment,
    )
    return await run(command)


@_step("/units/{unit_id}/decision", "The recognising unit recognises or denies")
async def decide(unit_id: UnitIdPath, body: Decision, run: Commands) -> JSONResponse:
    command = cmds.DecideRecognition(
        unit_id=unit_id,
        year=body.year,
        recognised=body.recognised,
        decided_on=body.decided_on,
        decision_number=body.decision_number,
        reasons=tuple(body.reasons),
    )
    return await run(command)


@router.get("/units/{unit_id}/recognition", summary="Where a union's recognition for a year stands")
async def recognition_state(
    request: Request,
    unit_id: UnitIdPath,
    principal: CurrentPrincipal,
    year: Annotated[
        Year | None,
        Query(description="the recognition year (default: the one in progress today, as lists show it)"),
    ] = None,
) -> RecognitionState:
    union = await authorize(request, principal, Permission.READ, unit_id)
    handlers: RecognitionHandlers = request.app.state.recognition
    if year is None:
        year = (
            rule_book(request)
            .for_path(union.path)
            .recognition_year(clock_of(request).today(), union.unit_type)
        )
    return state_of(await handlers.read(union, year))
