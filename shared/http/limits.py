"""Request bodies are read within a limit: a small one for commands, a larger one where a route takes a file.

The limit is enforced while the body is read, so nothing past it is ever held: the declared Content-Length is
checked when the route first reads, then the bytes are counted as they arrive (chunked bodies too). Starlette
reads whole bodies otherwise (see ../shared/STACK.md). A route that takes a file raises its own limit with
:func:`body_chunks` or :func:`read_body` (or :func:`allow_body`, for a form) before it reads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http.errors import problem

_SCOPE_KEY = "chudong.body_limit"


class BodyTooLargeError(HTTPException):
    """The body is larger than the route accepts. An HTTPException, so FastAPI's body parsing passes it on."""

    def __init__(self, limit: int, declared: int | None) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")
        self.limit = limit
        self.declared = declared


@dataclass(slots=True)
class _Budget:
    limit: int
    declared: int | None
    received: int = 0
    complete: bool = False


def too_large(exc: BodyTooLargeError) -> JSONResponse:
    detail = {
        "field": "body",
        "in": "body",
        "value": f"{exc.declared} bytes" if exc.declared is not None else f"more than {exc.limit} bytes",
        "accepted": f"a body of at most {exc.limit} bytes ({_size(exc.limit)})",
    }
    return problem(
        413, "body_too_large", f"the request body is larger than the {_size(exc.limit)} accepted", [detail]
    )


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitMiddleware:
    """Refuses with 413 a request whose body goes past the limit of its route, as soon as it does."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        budget = _Budget(self.max_bytes, _declared_length(scope))
        scope[_SCOPE_KEY] = budget
        started = False

        async def limited_receive() -> Message:
            # Once an answer has begun, the route is not reading a body: a late read only waits for the end.
            if not started and not budget.complete and (budget.declared or 0) > budget.limit:
                raise BodyTooLargeError(budget.limit, budget.declared)
            message = await receive()
            if message["type"] == "http.request" and not budget.complete:
                budget.received += len(message.get("body", b""))
                budget.complete = not message.get("more_body", False)
                if budget.received > budget.limit:
                    raise BodyTooLargeError(budget.limit, budget.declared)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLargeError as exc:
            if started:
                raise
            await too_large(exc)(scope, receive, send)


def allow_body(request: Request, max_bytes: int) -> None:
    """Let the route read up to ``max_bytes`` of body (a file, a form with a file) before it reads."""
    budget: _Budget | None = request.scope.get(_SCOPE_KEY)
    if budget is not None:
        budget.limit = max_bytes


async def body_chunks(request: Request, max_bytes: int) -> AsyncIterator[bytes]:
    """The body as it arrives, for a route that accepts up to ``max_bytes``; 413 as soon as it goes past."""
    allow_body(request, max_bytes)
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > max_bytes:  # only without the middleware: it refuses first
            raise BodyTooLargeError(max_bytes, None)
        if chunk:
            yield chunk


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The whole body, for a route that accepts up to ``max_bytes``; 413 as soon as it goes past."""
    return b"".join([chunk async for chunk in body_chunks(request, max_bytes)])


def install_body_limits(app: FastAPI, max_bytes: int) -> None:
    """Every route of ``app`` reads at most ``max_bytes`` of body unless it raises its own limit."""
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_bytes)

    @app.exception_handler(BodyTooLargeError)
    async def _too_large(_: Request, exc: BodyTooLargeError) -> JSONResponse:
        return too_large(exc)
