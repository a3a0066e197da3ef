"""Youth care over HTTP: situation reports, the census, the hardship list and care actions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import select

from services.membership.adapters.access_log import log_reads
from services.membership.adapters.keys import open_with
from services.membership.adapters.read_models import hardship_cases
from services.membership.api.common import Command, membership_of
from services.membership.api.scopes import case_in_scope
from services.membership.domain import care
from services.membership.domain import commands as cmds
from shared.auth import Permission
from shared.contracts.personal import Sealed
from shared.contracts.text import Line, Note
from shared.contracts.values import Count, Day, Quarter
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.commands import Commands
from shared.http.params import PersonIdPath, UnitIdPath
from shared.ids import PERSON_ID_PATTERN

router = APIRouter(tags=["youth care"])


class SituationReportRequest(Command):
    quarter: Quarter
    submitted_on: Day
    summary: Note = Field(default="", max_length=5000)


class CensusRequest(Command):
    as_of: Day
    counts: dict[Annotated[Line, Field(min_length=1, max_length=100)], Count] = Field(
        max_length=100, description="young people by category, e.g. {'total': 420, 'ethnic_minority': 35}"
    )


class HardshipCaseRequest(Command):
    listed_on: Day
    details: care.HardshipDetails = Field(description="sealed under the young person's own key")
    case_id: str | None = Field(default=None, pattern=PERSON_ID_PATTERN)


class CloseCaseRequest(Command):
    closed_on: Day
    reason: Note = Field(min_length=1, max_length=500)


class CareActionRequest(Command):
    acted_on: Day
    action: Note = Field(min_length=1, max_length=1000)


class HardshipReviewRequest(Command):
    reviewed_on: Day


@router.post(
    "/units/{unit_id}/youth-situation-reports", status_code=201, summary="Report on the youth, per quarter"
)
async def report_situation(unit_id: UnitIdPath, body: SituationReportRequest, run: Commands) -> JSONResponse:
    return await run(cmds.ReportYouthSituation(unit_id=unit_id, **body.model_dump()), unit_id=unit_id)


@router.post("/units/{unit_id}/youth-census", status_code=201, summary="Record the youth census, as counts")
async def record_census(unit_id: UnitIdPath, body: CensusRequest, run: Commands) -> JSONResponse:
    return await run(cmds.RecordYouthCensus(unit_id=unit_id, **body.model_dump()), unit_id=unit_id)


@router.post("/units/{unit_id}/hardship-reviews", status_code=201, summary="Review the unit's hardship list")
async def review_hardship_list(
    unit_id: UnitIdPath, body: HardshipReviewRequest, run: Commands
) -> JSONResponse:
    return await run(cmds.ReviewHardshipList(unit_id=unit_id, reviewed_on=body.reviewed_on), unit_id=unit_id)


@router.post(
    "/units/{unit_id}/hardship-cases", status_code=201, summary="Put a young person on the hardship list"
)
async def list_case(unit_id: UnitIdPath, body: HardshipCaseRequest, run: Commands) -> JSONResponse:
    command = cmds.ListHardshipCase(
        unit_id=unit_id, listed_on=body.listed_on, details=body.details, case_id=body.case_id
    )
    return await run(command)


@router.get("/units/{unit_id}/hardship-cases", summary="The hardship list, without its sensitive fields")
async def unit_cases(
    request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal
) -> list[dict[str, Any]]:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    under = (hardship_cases.c.unit_path == unit.path) | hardship_cases.c.unit_path.startswith(
        f"{unit.path}.", autoescape=True
    )
    async with request.app.state.runtime.db.read() as conn:
        rows = (
            await conn.execute(select(hardship_cases).where(under).order_by(hardship_cases.c.case_id))
        ).all()
    return [
        {
            "case_id": r.case_id,
            "unit_id": r.unit_id,
            "listed_on": r.listed_on.isoformat(),
            "closed_on": r.closed_on.isoformat() if r.closed_on else None,
            "care_actions": r.care_actions,
            "last_care_on": r.last_care_on.isoformat() if r.last_care_on else None,
        }
        for r in rows
    ]


@router.get("/hardship-cases/{case_id}", summary="One case with its sensitive fields (every read is logged)")
async def read_case(request: Request, case_id: PersonIdPath, principal: CurrentPrincipal) -> dict[str, Any]:
    await case_in_scope(request, principal, Permission.READ_SENSITIVE, case_id)
    async with request.app.state.runtime.db.read() as conn:
        row = (await conn.execute(select(hardship_cases).where(hardship_cases.c.case_id == case_id))).one()
    details = None
    if row.sensitive:
        sealed = Sealed.model_validate_json(row.sensitive)
        details = open_with(sealed, (await membership_of(request).keys.keys([case_id])).get(case_id))
        if details is not None:
            await log_reads(
                request.app.state.runtime.db,
                principal,
                [(case_id, row.unit_path, sealed.fields)],
                "hardship case",
            )
    return {
        "case_id": row.case_id,
        "unit_id": row.unit_id,
        "listed_on": row.listed_on.isoformat(),
        "closed_on": row.closed_on.isoformat() if row.closed_on else None,
        "care_actions": row.care_actions,
        "details": details,
        "erased": row.sensitive is None,
    }


@router.post("/hardship-cases/{case_id}/closure", status_code=201, summary="Take a young person off the list")
async def close_case(case_id: PersonIdPath, body: CloseCaseRequest, run: Commands) -> JSONResponse:
    return await run(cmds.CloseHardshipCase(case_id=case_id, **body.model_dump()), case_id=case_id)


@router.post("/hardship-cases/{case_id}/care-actions", status_code=201, summary="Record help given (chăm lo)")
async def record_care(case_id: PersonIdPath, body: CareActionRequest, run: Commands) -> JSONResponse:
    return await run(cmds.RecordCareAction(case_id=case_id, **body.model_dump()), case_id=case_id)
