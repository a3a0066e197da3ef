"""The officer's own account: turning on the second factor with the phone (xác thực hai lớp)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.dashboard.adapters.identity import IdentityRefusalError
from services.dashboard.api.render import page
from services.dashboard.api.session import SESSION_COOKIE, CurrentOfficer, sign_in
from services.dashboard.app.officer import Officer
from services.dashboard.app.sessions import SessionEndedError
from shared.i18n import N_, tr

router = APIRouter(include_in_schema=False)

REFUSALS = {
    "totp_invalid": N_("The code does not match: check the phone's clock and type the code it shows now."),
    "totp_enabled": N_("The second factor is already on."),
    "unknown_grant": N_("That role is no longer yours today."),
    "unavailable": N_("The sign-in service does not answer: try again in a moment."),
}


async def _page(
    request: Request,
    officer: Officer,
    status_code: int = 200,
    *,
    done: str = "",
    enrolment: object = None,
    error: str = "",
) -> HTMLResponse:
    me = await request.app.state.identity.me(officer.token)
    grants = [g for g in me.get("grants", []) if not g.get("revoked")]
    return page(
        request,
        "account.html",
        officer.lang,
        status_code=status_code,
        officer=officer,
        done=done,
        enrolment=enrolment,
        error=error,
        me=me,
        grants=grants,
    )


@router.get("/account", response_class=HTMLResponse)
async def account(request: Request, officer: CurrentOfficer, done: str = "") -> HTMLResponse:
    return await _page(request, officer, done=done)


@router.post("/account/grant")
async def act_as(
    request: Request, officer: CurrentOfficer, grant_id: Annotated[str, Form(max_length=100)]
) -> Response:
    """Act under another of one's grants in force (another role, or another unit)."""
    try:
        await sign_in(request).act_as(request.cookies.get(SESSION_COOKIE, ""), grant_id)
    except SessionEndedError:
        return RedirectResponse("/login?error=session_ended", status_code=303)
    except IdentityRefusalError as exc:
        return await _refused(request, officer, exc)
    return RedirectResponse("/", status_code=303)


@router.post("/account/totp", response_class=HTMLResponse)
async def begin(request: Request, officer: CurrentOfficer) -> Response:
    try:
        enrolment = await request.app.state.identity.own("/accounts/me/totp", officer.token)
    except IdentityRefusalError as exc:
        return await _refused(request, officer, exc)
    return await _page(request, officer, enrolment=enrolment)


@router.post("/account/totp/confirm", response_class=HTMLResponse)
async def confirm(
    request: Request,
    officer: CurrentOfficer,
    secret: Annotated[str, Form(max_length=64)],
    code: Annotated[str, Form(max_length=12)],
) -> Response:
    try:
        await request.app.state.identity.own(
            "/accounts/me/totp/confirm", officer.token, {"secret": secret, "code": code.strip()}
        )
    except IdentityRefusalError as exc:
        again = await request.app.state.identity.own("/accounts/me/totp", officer.token)
        return await _refused(request, officer, exc, again)
    return RedirectResponse("/account?done=totp", status_code=303)


async def _refused(
    request: Request, officer: Officer, exc: IdentityRefusalError, enrolment: object = None
) -> HTMLResponse:
    error = tr(officer.lang, REFUSALS.get(exc.rule, REFUSALS["unavailable"]))
    return await _page(request, officer, 422, enrolment=enrolment, error=error)
