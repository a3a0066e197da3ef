"""Signing in and out: tokens for the dashboard and for API clients alike."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from services.identity.api.common import grant_answer
from services.identity.api.guard import sessions_of
from services.identity.app.sessions import Tokens
from services.identity.domain.policy import PASSWORD_MAX
from shared.http.auth import CurrentPrincipal
from shared.http.bodies import RequestBody

router = APIRouter(tags=["sessions"])


class SignInRequest(RequestBody):
    login_name: str = Field(min_length=1, max_length=300)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    totp_code: str | None = Field(default=None, max_length=12, description="when the second factor is on")
    new_password: str | None = Field(
        default=None,
        max_length=PASSWORD_MAX,
        description="when an admin set the password (first sign-in, reset)",
    )
    grant_id: str | None = Field(
        default=None,
        max_length=100,
        description="which of your grants to act under (default: the highest unit)",
    )


class RefreshRequest(RequestBody):
    refresh_token: str = Field(min_length=1, max_length=200)
    grant_id: str | None = Field(
        default=None, max_length=100, description="act under another of your grants in force from now on"
    )


def tokens_answer(tokens: Tokens) -> dict[str, Any]:
    return {
        "access_token": tokens.access_token,
        "token_type": "Bearer",
        "expires_in": tokens.expires_in,
        "refresh_token": tokens.refresh_token,
        "session_id": tokens.session_id,
        "session_expires_at": tokens.session_expires_at.isoformat(),
        "account_id": tokens.account_id,
        "name": tokens.name,
        "grant": grant_answer(tokens.grant),
        "grants": [grant_answer(g) for g in tokens.grants],
    }


@router.post("/sessions", status_code=201, summary="Sign in with a login name and password (and a TOTP code)")
async def sign_in(request: Request, body: SignInRequest) -> dict[str, Any]:
    tokens = await sessions_of(request).sign_in(
        body.login_name,
        body.password,
        totp_code=body.totp_code,
        new_password=body.new_password,
        grant_id=body.grant_id,
    )
    return tokens_answer(tokens)


@router.post("/sessions/refresh", summary="The next access token (and refresh token) of an open session")
async def refresh(request: Request, body: RefreshRequest) -> dict[str, Any]:
    return tokens_answer(await sessions_of(request).refresh(body.refresh_token, body.grant_id))


@router.post("/sessions/current/sign-out", summary="Sign out of the session your token came from")
async def sign_out(request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    if principal.session_id:
        await sessions_of(request).end(principal.session_id)
    return {"signed_out": 1 if principal.session_id else 0}


@router.post("/sessions/sign-out-everywhere", summary="Sign out of every session of your account")
async def sign_out_everywhere(request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    ended = await sessions_of(request).end_all(principal.subject) if principal.session_id else 0
    return {"signed_out": ended}
