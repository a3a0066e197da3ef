"""Recognition from the page: the recognising unit appraises each criterion and records its decision.

The forms post here; evaluation decides (only the recognising unit may, no step skipped) and its refusal
comes back to the page in words.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from services.dashboard.api.session import CurrentOfficer, language, parse_day
from services.dashboard.app import views
from services.dashboard.app.officer import today
from shared.contracts.values import Year
from shared.errors import DomainError
from shared.http.params import UnitIdPath

router = APIRouter()


def _back(unit_id: str, *, done: str = "", error: str = "") -> Response:
    query = f"done={done}" if done else f"error={quote(error)}"
    return RedirectResponse(f"/units/{unit_id}?{query}#recognition", status_code=303)


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
    await views.unit_in_scope(request, officer, unit_id)
    body = {"year": year, "criterion": criterion, "verdict": verdict, "status": status, "comment": comment}
    try:
        await views.upstream(request).evaluation_post(f"/units/{unit_id}/appraisals", officer.token, body)
    except DomainError as exc:
        return _back(unit_id, error=exc.render(language(request)))
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
    await views.unit_in_scope(request, officer, unit_id)
    try:
        day = parse_day(decided_on, "decided_on")
    except DomainError as exc:
        return _back(unit_id, error=exc.render(language(request)))
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
        return _back(unit_id, error=exc.render(language(request)))
    return _back(unit_id, done="decided")
