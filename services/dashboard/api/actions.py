"""Recognition from the page: the recognising unit appraises each criterion and records its decision.

The forms post here; evaluation decides (only the recognising unit may, no step skipped) and its refusal
comes back to the page in words: the page gets the refusal's code, value and what is accepted, and says it
from the catalogs in the officer's language (``domain/refusals.py``).
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.dashboard.api.session import CurrentOfficer, parse_day
from services.dashboard.app import views
from services.dashboard.app.officer import today
from shared.auth import Permission
from shared.contracts.values import Year
from shared.errors import DomainError
from shared.http.auth import authorize
from shared.http.params import UnitIdPath

router = APIRouter()


def _back(unit_id: str, *, done: str = "", error: DomainError | None = None) -> Response:
    query = urlencode({"done": done} if done else refused(error) if error is not None else {})
    return RedirectResponse(f"/units/{unit_id}?{query}#recognition", status_code=303)


def refused(error: DomainError) -> dict[str, str]:
    """A refusal as the page's query carries it (``error``, ``error_status`` …), read back by :func:`refusal_of`."""
    value = ", ".join(map(str, error.value)) if isinstance(error.value, list) else error.value
    carried = {
        "error": error.rule,
        "error_status": str(error.status_code),
        "error_field": error.field or "",
        "error_value": "" if value is None else str(value)[:200],
        "error_accepted": (error.accepted or "")[:200],
    }
    return {k: v for k, v in carried.items() if v}


@router.post("/units/{unit_id}/appraisals", include_in_schema=False)
async def appraise(
    request: Request,
    unit_id: UnitIdPath,
    officer: CurrentOfficer,
    year: Annotated[Year, Form()],
    criterion: Annotated[int, Form(ge=1, le=3)],
    verdict: Annotated[Literal["confirmed", "adjusted"], Form()],
    status: Annotated[Literal["pass", "fail"], Form()],
    comment: Annotated[str, Form(min_length=1, max_length=4000)],
) -> Response:
    # The role first, as every route does: a role that may not appraise gets the 403 page.
    await authorize(request, officer.principal, Permission.APPRAISE, unit_id)
    body = {"year": year, "criterion": criterion, "verdict": verdict, "status": status, "comment": comment}
    try:
        await views.upstream(request).evaluation_post(f"/units/{unit_id}/appraisals", officer.token, body)
    except DomainError as exc:
        return _back(unit_id, error=exc)
    return _back(unit_id, done=f"appraised-{criterion}")


@router.post("/units/{unit_id}/decision", include_in_schema=False)
async def decide(
    request: Request,
    unit_id: UnitIdPath,
    officer: CurrentOfficer,
    year: Annotated[Year, Form()],
    recognised: Annotated[bool, Form()],
    decided_on: Annotated[str, Form(description="dd/mm/yyyy")],
    decision_number: Annotated[str, Form()] = "",
    reasons: Annotated[str, Form()] = "",
) -> Response:
    await authorize(request, officer.principal, Permission.APPRAISE, unit_id)
    try:
        day = parse_day(decided_on, "decided_on")
    except DomainError as exc:
        return _back(unit_id, error=exc)
    body = {
        "year": year,
        "recognised": recognised,
        "decided_on": (day or today()).isoformat(),
        "decision_number": decision_number.strip() or None,
        "reasons": [r.strip() for r in reasons.splitlines() if r.strip()],
    }
    try:
        await views.upstream(request).evaluation_post(f"/units/{unit_id}/decision", officer.token, body)
    except DomainError as exc:
        return _back(unit_id, error=exc)
    return _back(unit_id, done="decided")
