"""Signing in and out of the dashboard (đăng nhập, đăng xuất), through identity.

The form asks for the login name and password, then for the one-time code when the account has a
second factor, and for a new password when an admin set it. In development (not in production), a
token minted by ``chudong token`` can still be pasted at ``/login/token``.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.dashboard.adapters.identity import IdentityRefusalError
from services.dashboard.api.render import page
from services.dashboard.api.session import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    CurrentOfficer,
    current_session,
    language,
    read_token,
    sign_in,
)
from services.dashboard.api.session import token_problem as problem_of
from services.dashboard.domain.refusals import token_problem
from shared.auth import TokenError
from shared.i18n import N_, tr

router = APIRouter(include_in_schema=False)

REFUSALS: dict[str, str] = {
    "invalid_credentials": N_("The login name or the password is wrong."),
    "account_locked": N_(
        "Too many failed sign-ins: the account is locked for a while. Try again later, or ask an "
        "administrator of the unit above to reset it."
    ),
    "totp_required": N_("Enter the 6-digit code your authenticator app shows, with your password again."),
    "totp_invalid": N_("The code is wrong, expired or already used. Enter the code the app shows now."),
    "password_change_required": N_(
        "Your password was set by an administrator: choose a new one (type the current one again)."
    ),
    "weak_password": N_("The new password is too short or is the login name: choose a longer one."),
    "no_live_grant": N_("Your account holds no role at any unit today: ask the unit above to grant you one."),
    "unavailable": N_("The sign-in service does not answer: try again in a moment."),
    "session_ended": N_("Your session has ended: sign in again."),
    "invalid_request": N_("Fill in the login name and the password."),
    "provider_refused": N_("The sign-in through the identity provider did not succeed: try again."),
    "unknown_provider": N_("This identity provider is not configured here."),
}


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
        max_age=max_age,
    )


async def login_page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The sign-in form, with a fresh value for the sign-in cookie that the form repeats."""
    token = secrets.token_urlsafe(24)
    request.state.form_token = token
    common = request.app.state.runtime.common
    answer = page(
        request,
        "login.html",
        language(request),
        status_code=status_code,
        development=common.development_tokens,
        providers=await request.app.state.identity.providers(),
        **{
            "next": "/",
            "error": "",
            "ask_totp": False,
            "ask_new_password": False,
            "login_name": "",
            **context,
        },
    )
    _cookie(answer, request, LOGIN_COOKIE, token, 3600)
    return answer


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "/", error: str = "") -> HTMLResponse:
    lang = language(request)
    problem = token_problem(error)  # a token the pages refused: expired or invalid
    message = tr(lang, REFUSALS[error]) if error in REFUSALS else problem.render(lang) if problem else ""
    return await login_page(request, next=_safe_next(next), error=message)


@router.post("/login")
async def login(
    request: Request,
    login_name: Annotated[str, Form(max_length=300)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    totp_code: Annotated[str, Form(max_length=12)] = "",
    new_password: Annotated[str, Form(max_length=256)] = "",
    new_password_again: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    lang = language(request)
    again = {"next": _safe_next(next), "login_name": login_name.strip()}
    if not login_name.strip() or not password:
        return await login_page(request, 422, error=tr(lang, REFUSALS["invalid_request"]), **again)
    if new_password != new_password_again:
        message = tr(lang, "The two new passwords differ: type the same one twice.")
        return await login_page(request, 422, error=message, ask_new_password=True, **again)
    form = {
        "login_name": login_name.strip(),
        "password": password,
        "totp_code": totp_code.strip(),
        "new_password": new_password,
    }
    try:
        answer = await request.app.state.identity.sign_in(form)
    except IdentityRefusalError as exc:
        message = tr(lang, REFUSALS.get(exc.rule, REFUSALS["invalid_credentials"]))
        return await login_page(
            request,
            exc.status if exc.status < 500 else 503,
            error=message,
            ask_totp=bool(totp_code) or exc.rule in ("totp_required", "totp_invalid"),
            ask_new_password=bool(new_password) or exc.rule in ("password_change_required", "weak_password"),
            **again,
        )
    return await _signed_in(request, await sign_in(request).open(answer), _safe_next(next))


async def _signed_in(request: Request, cookie: str, target: str) -> Response:
    answer = RedirectResponse(target, status_code=303)
    hours = request.app.state.settings.session_hours
    _cookie(answer, request, SESSION_COOKIE, cookie, int(hours * 3600))
    answer.delete_cookie(LOGIN_COOKIE)
    return answer


@router.get("/login/token", response_class=HTMLResponse)
async def token_form(request: Request, next: str = "/") -> HTMLResponse:
    """Development only: paste a token minted by ``chudong token`` (refused in production)."""
    return await login_page(request, next=_safe_next(next), token_form=True)


@router.post("/login/token")
async def token_login(
    request: Request, token: Annotated[str, Form(max_length=8000)] = "", next: Annotated[str, Form()] = "/"
) -> Response:
    lang = language(request)
    if not request.app.state.runtime.common.development_tokens:
        message = tr(lang, "Development tokens are refused here: sign in with your account.")
        return await login_page(request, 403, error=message, token_form=True)
    try:
        principal = read_token(request, token.strip())
    except TokenError as exc:
        said = token_problem(problem_of(exc))
        error = said.render(lang) if said is not None else ""
        return await login_page(request, 401, error=error, token_form=True, next=_safe_next(next))
    cookie = await sign_in(request).open_with_token(principal.subject, token.strip())
    return await _signed_in(request, cookie, _safe_next(next))


@router.post("/logout")
async def logout(request: Request) -> Response:
    return await _sign_out(request, everywhere=False)


@router.post("/logout/everywhere")
async def logout_everywhere(request: Request, officer: CurrentOfficer) -> Response:
    return await _sign_out(request, everywhere=True)


async def _sign_out(request: Request, *, everywhere: bool) -> Response:
    session = await current_session(request)
    if session is not None:
        await sign_in(request).close(session, everywhere=everywhere)
    answer = RedirectResponse("/login", status_code=303)
    answer.delete_cookie(SESSION_COOKIE)
    return answer
