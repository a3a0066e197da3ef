"""The officer's own account: turning on the second factor with the phone (xác thực hai lớp)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.dashboard.adapters.identity import IdentityRefusalError
from services.dashboard.api.render import page
from services.dashboard.api.session import CurrentOfficer
from shared.i18n import N_, tr

router = APIRouter(include_in_schema=False)

REFUSALS = {
    "totp_invalid": N_("The code does not match: check the phone's clock and type the code it shows now."),
    "totp_enabled": N_("The second factor is already on."),
    "unavailable": N_("The sign-in service does not answer: try again in a moment."),
}


@router.get("/account", response_class=HTMLResponse)
async def account(request: Request, officer: CurrentOfficer, done: str = "") -> HTMLResponse:
    return page(request, "account.html", officer.lang, officer=officer, done=done, enrolment=None, error="")


@router.post("/account/totp", response_class=HTMLResponse)
async def begin(request: Request, officer: CurrentOfficer) -> Response:
    try:
        enrolment = await request.app.state.identity.own("/accounts/me/totp", officer.token)
    except IdentityRefusalError as exc:
        return _refused(request, officer, exc)
    return page(
        request, "account.html", officer.lang, officer=officer, done="", enrolment=enrolment, error=""
    )


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
        return _refused(request, officer, exc, again)
    return RedirectResponse("/account?done=totp", status_code=303)


def _refused(
    request: Request, officer: CurrentOfficer, exc: IdentityRefusalError, enrolment: object = None
) -> HTMLResponse:
    messages = {
        "totp_invalid": "The code does not match: check the phone's clock and type the code it shows now.",
        "totp_enabled": "The second factor is already on.",
    }
    error = tr(
        officer.lang, messages.get(exc.rule, "The sign-in service does not answer: try again in a moment.")
    )
    return page(
        request,
        "account.html",
        officer.lang,
        status_code=422,
        officer=officer,
        done="",
        enrolment=enrolment,
        error=error,
    )
