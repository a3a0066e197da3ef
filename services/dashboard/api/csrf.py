"""CSRF: every POST made with the session cookie returns the session's form token (or, signing in, the
sign-in cookie's value); anything else is refused before its route runs. Forms get the token where
the page is rendered (``api/render.py``), so a form added later cannot forget it."""

from __future__ import annotations

import hmac

from fastapi import Request

from services.dashboard.api.session import CSRF_FIELD, LOGIN_COOKIE, bearer_token, current_session, language
from shared.errors import ForbiddenError
from shared.i18n import tr

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


async def csrf_protect(request: Request) -> None:
    if request.method in SAFE or bearer_token(request):
        return
    form = await request.form()
    given = str(form.get(CSRF_FIELD, ""))
    if request.url.path == "/login" or request.url.path.startswith("/login/"):
        expected = request.cookies.get(LOGIN_COOKIE, "")
    else:
        session = await current_session(request)
        if session is None:
            return  # the route asks to sign in first: nothing is done without a session
        expected = session.csrf
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ForbiddenError(
            tr(
                language(request),
                "The form has expired or did not come from this site: reload the page and try again.",
            ),
            rule="csrf_refused",
            field=CSRF_FIELD,
            value=None,
            accepted="the form token of the page the form came from",
        )
