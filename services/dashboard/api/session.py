"""Who is looking: the officer's session from its cookie (or a bearer header), and the page's language.

A browser holds only a session cookie (HttpOnly, SameSite=Strict, Secure behind TLS); the session
holds the officer's tokens (``app/sessions.py``). Every form of a signed-in page carries the session's
form token, and every POST made with the cookie must return it (CSRF); a request with a bearer token
(an API client) carries no cookie to abuse and needs none.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import jwt
from fastapi import Depends, Query, Request

from services.dashboard.adapters.sessions import Session
from services.dashboard.app.officer import Officer
from services.dashboard.app.sessions import SessionEndedError, SignIn
from services.dashboard.domain.text import LANGUAGES
from shared.auth import Principal, TokenError, decode_token
from shared.contracts.values import FIRST_EVALUATED, LAST_EVALUATED
from shared.errors import DomainError

SESSION_COOKIE = "chudong_session"
LOGIN_COOKIE = "chudong_login"
"""A random value the sign-in form repeats (double submit): a sign-in cannot be forged from elsewhere."""
LANG_COOKIE = "chudong_lang"
CSRF_FIELD = "csrf_token"


class SignInRequiredError(Exception):
    """No valid token: the officer is sent to the sign-in page (saying why, by ``code``, if a token was sent)."""

    def __init__(self, reason: str = "", code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def token_problem(exc: TokenError) -> str:
    """``expired`` or ``invalid``: what the sign-in page says about a token refused."""
    return "expired" if isinstance(exc.__cause__, jwt.ExpiredSignatureError) else "invalid"


def language(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "vi"
    return chosen if chosen in LANGUAGES else "vi"


def read_token(request: Request, token: str) -> Principal:
    runtime = request.app.state.runtime
    return decode_token(token, runtime.jwt_secret, issuer=runtime.common.token_issuer)


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def sign_in(request: Request) -> SignIn:
    found: SignIn = request.app.state.sign_in
    return found


async def current_session(request: Request) -> Session | None:
    """The browser's session (resumed once per request), or None without a cookie or a live session."""
    if getattr(request.state, "session_resumed", False):
        cached: Session | None = request.state.session
        return cached
    cookie = request.cookies.get(SESSION_COOKIE, "")
    session = None
    if cookie:
        try:
            session = await sign_in(request).resume(cookie)
        except SessionEndedError:
            session = None
    request.state.session, request.state.session_resumed = session, True
    return session


async def current_officer(request: Request) -> Officer:
    token, csrf = bearer_token(request), ""
    if not token:
        session = await current_session(request)
        if session is None:
            raise SignInRequiredError(
                "the session has ended: sign in again" if request.cookies.get(SESSION_COOKIE) else ""
            )
        token, csrf = session.access_token, session.csrf
    try:
        principal = read_token(request, token)
    except TokenError as exc:
        raise SignInRequiredError(str(exc), token_problem(exc)) from exc
    unit = await request.app.state.runtime.directory.get(principal.unit_id)
    return Officer(principal, token, language(request), unit.name if unit else principal.unit_id, csrf)


CurrentOfficer = Annotated[Officer, Depends(current_officer)]


class BadDateError(DomainError):
    status_code = 422


def as_of_day(
    as_of: Annotated[
        str, Query(description="show the page as it stood on this day: dd/mm/yyyy or yyyy-mm-dd")
    ] = "",
) -> date | None:
    """The "as of" day as officers type it (dd/mm/yyyy) or as links carry it (ISO)."""
    return parse_day(as_of, "as_of")


def parse_day(value: str, field: str) -> date | None:
    """A day typed as dd/mm/yyyy (or yyyy-mm-dd) within the years evaluated; None when empty; a 422 naming
    ``field`` otherwise (the services would refuse it too, and the page would only say they did)."""
    text = value.strip()
    if not text:
        return None
    accepted = (
        "a day as dd/mm/yyyy (27/11/2026) or yyyy-mm-dd, "
        f"from {FIRST_EVALUATED:%d/%m/%Y} to {LAST_EVALUATED:%d/%m/%Y}"
    )
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if not FIRST_EVALUATED <= day <= LAST_EVALUATED:
            raise BadDateError(
                f"{text!r} is outside the years evaluated",
                rule="date_out_of_range",
                field=field,
                value=text,
                accepted=accepted,
            )
        return day
    raise BadDateError(
        f"{text!r} is not a date", rule="invalid_date", field=field, value=text, accepted=accepted
    )


AsOfDay = Annotated[date | None, Depends(as_of_day)]
