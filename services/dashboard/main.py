"""The officers' dashboard process: ``python -m services.dashboard.main`` (port 8105).

Server-rendered pages over evaluation's and notifications' APIs, called with the officer's own token;
live updates from evaluation's events on NATS. It writes no events of its own.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from services.dashboard.adapters.identity import IdentityClient
from services.dashboard.adapters.live import LiveFeed
from services.dashboard.adapters.notices import MailNotice
from services.dashboard.adapters.sessions import SessionStore
from services.dashboard.adapters.upstream import Upstream
from services.dashboard.api import errors, routers
from services.dashboard.api.session import SignInRequiredError
from services.dashboard.app.sessions import SignIn
from services.dashboard.migrations import SCHEMA
from services.dashboard.settings import DashboardSettings
from shared.bus.subjects import stream_name
from shared.http import create_service_app
from shared.http.errors import problem
from shared.runtime import ServiceRuntime
from shared.runtime.serve import serve
from shared.runtime.service import Source
from shared.settings import CommonSettings, service_settings

NAME = "dashboard"
STATIC = Path(__file__).resolve().parent / "static"


def create_app(
    common: CommonSettings | None = None,
    *,
    settings: DashboardSettings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    identity_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The dashboard; ``transport`` routes its calls to evaluation and notifications, ``identity_transport``
    to identity (tests put the apps in process)."""
    common = common or CommonSettings()
    settings = settings or DashboardSettings()
    runtime = ServiceRuntime(
        common,
        service_settings(NAME),
        schema=SCHEMA,
        org_tree_sources=[Source(stream_name("membership"))],
        relay=False,
    )
    upstream = Upstream(
        settings.evaluation_url,
        settings.notifications_url,
        settings.upstream_timeout_seconds,
        transport,
        membership_url=settings.membership_url,
    )
    identity = IdentityClient(settings.identity_url, settings.upstream_timeout_seconds, identity_transport)
    feed = LiveFeed()
    notice = MailNotice(upstream.client, settings.notifications_url, settings.notice_interval_seconds)

    async def follow_evaluation() -> None:
        assert runtime.nc is not None
        try:
            await feed.run(runtime.nc)
        finally:
            await upstream.aclose()
            await identity.aclose()

    runtime.add_task("live-feed", follow_evaluation)
    runtime.add_task("mail-notice", notice.run)
    app = create_service_app(
        runtime,
        routers,
        title="chudong dashboard",
        description="The officers' dashboard: compliance of their unions at a glance, down to the evidence.",
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.settings = settings
    app.state.upstream = upstream
    app.state.live = feed
    app.state.identity = identity
    app.state.sign_in = SignIn(SessionStore(runtime.db), identity, settings)
    app.state.mail_notice = notice

    @app.exception_handler(SignInRequiredError)
    async def _sign_in(request: Request, exc: SignInRequiredError) -> Response:
        if request.method == "GET" and errors.wants_html(request):
            target = quote(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
            if exc.code:
                why = f"&error={exc.code}"
            elif exc.reason.startswith("the session has ended"):
                why = "&error=session_ended"
            else:
                why = ""
            return RedirectResponse(f"/login?next={target}{why}", status_code=303)
        return problem(
            401, "unauthenticated", exc.reason or "sign in first: a bearer token or the sign-in cookie"
        )

    errors.install(app)
    return app


def main() -> None:
    serve(NAME, create_app)


if __name__ == "__main__":
    main()
