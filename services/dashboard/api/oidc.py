"""Signing in through a province's OpenID provider: off to the provider, and back with a code.

The browser keeps, for ten minutes, what the callback must find again (the provider, the state, the
nonce, the PKCE code verifier and where to go next) in a cookie of its own: HttpOnly, and SameSite=Lax
since the provider sends the browser back from another site. Back here, the page that opens the session
leads on by itself (not a redirect), so that the session cookie (SameSite=Strict) goes with the next
request.
"""

from __future__ import annotations

import hmac
import json
from html import escape
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.dashboard.adapters.identity import IdentityRefusalError
from services.dashboard.api.session import SESSION_COOKIE, sign_in

router = APIRouter(include_in_schema=False)

FLOW_COOKIE = "chudong_oidc"


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


def callback_url(request: Request) -> str:
    base = request.app.state.settings.public_url or str(request.base_url)
    return base.rstrip("/") + "/login/oidc/callback"


@router.get("/login/oidc/callback")
async def callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
    try:
        flow = json.loads(request.cookies.get(FLOW_COOKIE, "") or "{}")
    except ValueError:
        flow = {}
    given = state.encode()
    if error or not code or not flow or not hmac.compare_digest(given, str(flow.get("state", "")).encode()):
        return _back_to_form("provider_refused")
    form = {
        "code": code,
        "code_verifier": flow["code_verifier"],
        "redirect_uri": callback_url(request),
        "nonce": flow["nonce"],
    }
    try:
        answer = await request.app.state.identity.oidc_sign_in(flow["provider"], form)
    except IdentityRefusalError as exc:
        return _back_to_form(exc.rule)
    cookie = await sign_in(request).open(answer)
    target = escape(_safe_next(str(flow.get("next", "/"))))
    page = HTMLResponse(
        f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={target}">'
        f'<a href="{target}">{target}</a>'
    )
    settings = request.app.state.settings
    page.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        max_age=int(settings.session_hours * 3600),
    )
    page.delete_cookie(FLOW_COOKIE)
    return page


@router.get("/login/oidc/{provider}")
async def start(request: Request, provider: str, next: str = "/") -> Response:
    try:
        found = await request.app.state.identity.authorization(provider, callback_url(request))
    except IdentityRefusalError as exc:
        return _back_to_form(exc.rule)
    flow = {
        "provider": provider,
        "state": found["state"],
        "nonce": found["nonce"],
        "code_verifier": found["code_verifier"],
        "next": _safe_next(next),
    }
    answer = RedirectResponse(str(found["url"]), status_code=303)
    answer.set_cookie(
        FLOW_COOKIE,
        json.dumps(flow, separators=(",", ":")),
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        max_age=600,
    )
    return answer


def _back_to_form(rule: str) -> Response:
    return RedirectResponse(f"/login?error={quote(rule, safe='')}", status_code=303)
