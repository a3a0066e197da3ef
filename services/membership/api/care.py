"""Youth care over HTTP: situation reports, the census, the hardship list and care actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from sqlalchemy import select

from services.membership.adapters.access_log import log_reads
from services.membership.adapters.keys import open_with
from services.membership.adapters.read_models import hardship_cases
from services.membership.api.common import Command, command, handlers_of
from services.membership.domain import care
from shared.auth import Permission, Principal
from shared.contracts.personal import Sealed
from shared.contracts.text import Line, Note
from shared.contracts.values import Count, Day, Quarter
from shared.errors import NotFoundError
from shared.events import Envelope
from shared.http.auth import CurrentPrincipal, authorize, require_permission
from shared.http.idempotency import IdempotencyKey
from shared.http.params import PersonIdPath, UnitIdPath
from shared.ids import PERSON_ID_PATTERN, new_id
from shared.store.event_store import Idempotency

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


async def _unit_command(
    request: Request,
    principal: Principal,
    unit_id: str,
    body: Command,
    key: str | None,
    decide: Any,
    on: date,
) -> JSONResponse:
    unit = await authorize(request, principal, Permission.RECORD_BRANCH_LIFE, unit_id)
    handlers = handlers_of(request)

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        event = await decide(care.active_unit(unit, unit_id))
        return await handlers.unit_event(unit, event, actor=principal.subject, idempotency=idem, on=on)

    return await command(request, body, key, execute, unit_id=unit_id)


@router.post(
    "/units/{unit_id}/youth-situation-reports", status_code=201, summary="Report on the youth, per quarter"
)
async def report_situation(
    request: Request,
    unit_id: UnitIdPath,
    body: SituationReportRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    handlers = handlers_of(request)

    async def decide(unit: Any) -> Any:
        return care.report_youth_situation(
            unit,
            quarter=body.quarter,
            submitted_on=body.submitted_on,
            summary=body.summary,
            already=await handlers.reported(unit_id, "situation", body.quarter),
            today=handlers.today(),
        )

    return await _unit_command(request, principal, unit_id, body, idempotency_key, decide, body.submitted_on)


@router.post("/units/{unit_id}/youth-census", status_code=201, summary="Record the youth census, as counts")
async def record_census(
    request: Request,
    unit_id: UnitIdPath,
    body: CensusRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    today = handlers_of(request).today()

    async def decide(unit: Any) -> Any:
        return care.record_census(unit, as_of=body.as_of, counts=body.counts, today=today)

    return await _unit_command(request, principal, unit_id, body, idempotency_key, decide, body.as_of)


@router.post("/units/{unit_id}/hardship-reviews", status_code=201, summary="Review the unit's hardship list")
async def review_hardship_list(
    request: Request,
    unit_id: UnitIdPath,
    body: HardshipReviewRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    handlers = handlers_of(request)

    async def decide(unit: Any) -> Any:
        return care.review_hardship_list(
            unit, on=body.reviewed_on, open_cases=await handlers.open_cases(unit_id), today=handlers.today()
        )

    return await _unit_command(request, principal, unit_id, body, idempotency_key, decide, body.reviewed_on)


@router.post(
    "/units/{unit_id}/hardship-cases", status_code=201, summary="Put a young person on the hardship list"
)
async def list_case(
    request: Request,
    unit_id: UnitIdPath,
    body: HardshipCaseRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    unit = care.active_unit(
        await authorize(request, principal, Permission.RECORD_BRANCH_LIFE, unit_id), unit_id
    )
    case_id = body.case_id or new_id("p")
    return await command(
        request,
        body,
        idempotency_key,
        lambda idem: handlers_of(request).list_hardship_case(
            unit, case_id, body.listed_on, body.details, actor=principal.subject, idempotency=idem
        ),
        case_id=case_id,
    )


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


def _unknown_case(case_id: str) -> NotFoundError:
    return NotFoundError(
        f"hardship case {case_id!r} is not known",
        rule="unknown_case",
        field="case_id",
        value=case_id,
        accepted="the id of a listed case",
    )


async def _case_in_scope(request: Request, principal: Principal, permission: Permission, case_id: str) -> Any:
    """The case, if the caller may ``permission`` on its unit; one outside the scope answers as unknown."""
    require_permission(principal, permission)
    async with request.app.state.runtime.db.read() as conn:
        row = (await conn.execute(select(hardship_cases).where(hardship_cases.c.case_id == case_id))).first()
    if row is None:
        raise _unknown_case(case_id)
    await authorize(request, principal, permission, row.unit_id, unknown=_unknown_case(case_id))
    return row


@router.get("/hardship-cases/{case_id}", summary="One case with its sensitive fields (every read is logged)")
async def read_case(request: Request, case_id: PersonIdPath, principal: CurrentPrincipal) -> dict[str, Any]:
    row = await _case_in_scope(request, principal, Permission.READ_SENSITIVE, case_id)
    details = None
    if row.sensitive:
        sealed = Sealed.model_validate_json(row.sensitive)
        details = open_with(sealed, (await handlers_of(request).keys.keys([case_id])).get(case_id))
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
async def close_case(
    request: Request,
    case_id: PersonIdPath,
    body: CloseCaseRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await _case_in_scope(request, principal, Permission.RECORD_BRANCH_LIFE, case_id)
    handlers = handlers_of(request)

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        case = await handlers.hardship_case(case_id)
        event = care.close_hardship_case(
            case, case_id, on=body.closed_on, reason=body.reason, today=handlers.today()
        )
        assert case is not None
        return await handlers.case_event(
            case, event, body.closed_on, actor=principal.subject, idempotency=idem
        )

    return await command(request, body, idempotency_key, execute, case_id=case_id)


@router.post("/hardship-cases/{case_id}/care-actions", status_code=201, summary="Record help given (chăm lo)")
async def record_care(
    request: Request,
    case_id: PersonIdPath,
    body: CareActionRequest,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    await _case_in_scope(request, principal, Permission.RECORD_BRANCH_LIFE, case_id)
    handlers = handlers_of(request)

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        case = await handlers.hardship_case(case_id)
        event = care.record_care_action(
            case, case_id, on=body.acted_on, action=body.action, today=handlers.today()
        )
        assert case is not None
        return await handlers.case_event(
            case, event, body.acted_on, actor=principal.subject, idempotency=idem
        )

    return await command(request, body, idempotency_key, execute, case_id=case_id)
