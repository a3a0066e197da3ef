"""Signing in through a province's OpenID provider (authorization code with PKCE).

The dashboard asks where to send the browser and keeps what the callback must find again (state, nonce,
code verifier); back from the provider, it hands the code here, and gets the same tokens as a password
sign-in would give.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from services.identity.api.sessions import tokens_answer
from services.identity.app.oidc import OpenIdSignIn
from shared.http.bodies import RequestBody

router = APIRouter(tags=["sessions"])


def oidc_of(request: Request) -> OpenIdSignIn:
    found: OpenIdSignIn = request.app.state.oidc
    return found


class AuthorizationRequest(RequestBody):
    redirect_uri: str = Field(min_length=1, max_length=2000, description="the dashboard's callback address")


class CodeRequest(RequestBody):
    code: str = Field(min_length=1, max_length=4000)
    code_verifier: str = Field(min_length=43, max_length=128)
    redirect_uri: str = Field(min_length=1, max_length=2000)
    nonce: str = Field(min_length=1, max_length=200)


@router.get("/oidc/providers", summary="The OpenID providers officers may sign in through")
async def providers(request: Request) -> list[dict[str, str]]:
    return oidc_of(request).providers()


@router.post("/oidc/{provider}/authorization", summary="Where to send the browser to sign in at the provider")
async def authorization(request: Request, provider: str, body: AuthorizationRequest) -> dict[str, Any]:
    found = await oidc_of(request).authorization(provider, body.redirect_uri)
    return {
        "url": found.url,
        "state": found.state,
        "nonce": found.nonce,
        "code_verifier": found.code_verifier,
    }


@router.post("/oidc/{provider}/sessions", status_code=201, summary="Sign in with the code the provider gave")
async def sign_in(request: Request, provider: str, body: CodeRequest) -> dict[str, Any]:
    tokens = await oidc_of(request).sign_in(
        provider, body.code, body.code_verifier, body.redirect_uri, body.nonce
    )
    return tokens_answer(tokens)
