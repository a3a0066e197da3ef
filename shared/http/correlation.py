"""ASGI middleware: take the caller's ``X-Correlation-ID`` (or make one) and echo it back."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logging import CORRELATION_HEADER, correlation

_HEADER = CORRELATION_HEADER.lower().encode()


class CorrelationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode() for k, v in scope["headers"] if k == _HEADER), None)
        given = given if given and len(given) <= 100 else None
        with correlation(given) as value:

            async def send_with_header(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message.setdefault("headers", [])
                    message["headers"].append((_HEADER, value.encode()))
                await send(message)

            await self.app(scope, receive, send_with_header)
