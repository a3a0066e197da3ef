"""Errors as pages: the 403, 404 and error pages, and a refusal shown on the page that was refused.

A browser gets a page in the officer's language (``domain/refusals.py``) with the refusal's code kept
in ``data-rule``; a program (no ``text/html`` in ``Accept``) keeps getting the JSON problem answer.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from http import HTTPStatus

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from services.dashboard.api.render import page
from services.dashboard.api.session import SignInRequiredError, current_officer, language
from services.dashboard.app.names import NameBook
from services.dashboard.domain.refusals import Refusal, refusal
from shared.errors import DomainError
from shared.http.errors import problem, validation_details

log = structlog.get_logger(__name__)


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def refusal_of_error(exc: DomainError, names: NameBook | None = None) -> Refusal:
    return refusal(
        exc.status_code,
        exc.rule,
        field=exc.field,
        value=exc.value,
        accepted=exc.accepted,
        unit=names.unit if names is not None else str,
    )


def refusal_of_query(params: Mapping[str, str], names: NameBook | None = None) -> Refusal | None:
    """The refusal a redirect carried back to the page (``error``, ``error_status`` …), if any."""
    rule = params.get("error", "")
    if not rule:
        return None
    status = params.get("error_status", "")
    return refusal(
        int(status) if status.isdigit() and 400 <= int(status) < 600 else 422,
        rule,
        field=params.get("error_field") or None,
        value=params.get("error_value") or None,
        accepted=params.get("error_accepted") or None,
        unit=names.unit if names is not None else str,
    )


async def error_page(request: Request, found: Refusal) -> Response:
    """The page, with the header of the officer signed in (their pages, the language link), if one is."""
    officer = None
    with contextlib.suppress(SignInRequiredError):
        officer = await current_officer(request)
    return page(
        request, "error.html", language(request), status_code=found.status, refusal=found, officer=officer
    )


def install(app: FastAPI) -> None:
    """Error pages for browsers; programs keep the JSON answers of ``shared.http`` (its handlers, called here)."""
    for_programs = {
        kind: app.exception_handlers[kind] for kind in (DomainError, RequestValidationError, HTTPException)
    }

    async def as_json(request: Request, exc: Exception) -> Response:
        handler = for_programs[next(k for k in for_programs if isinstance(exc, k))]
        answer: Response = await handler(request, exc)  # type: ignore[misc]
        return answer

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        if not wants_html(request):
            return await as_json(request, exc)
        return await error_page(request, refusal_of_error(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if not wants_html(request):
            return await as_json(request, exc)
        first = next(iter(validation_details(list(exc.errors()[:1]))), {})
        return await error_page(
            request, refusal(422, "invalid_request", field=first.get("field"), value=first.get("value"))
        )

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if not wants_html(request):
            return await as_json(request, exc)
        code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_").replace("-", "_")
        return await error_page(request, refusal(exc.status_code, code))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # Starlette raises it again for the server to log; the browser still gets a page in words.
        log.error("page failed", path=request.url.path, error=repr(exc))
        if wants_html(request):
            return await error_page(request, refusal(500, "internal_error"))
        return problem(500, "internal_error", "the dashboard failed to build the answer; try again")
