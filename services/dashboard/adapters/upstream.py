"""Evaluation's, notifications' and membership's HTTP APIs, called with the officer's own token.

The services check the token and its unit scope again: what the dashboard shows is what the APIs allow.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from shared.errors import DomainError, ForbiddenError, NotFoundError
from shared.i18n import Message


def segment(value: str) -> str:
    """``value`` as one segment of a service's path, whatever it holds ('/', '?', '#', control characters)."""
    return quote(value, safe="")


class UpstreamError(DomainError):
    """A service the page needs answered with an error, or did not answer."""

    status_code = 502


class Upstream:
    def __init__(
        self,
        evaluation_url: str,
        notifications_url: str,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
        membership_url: str = "http://127.0.0.1:8101",
    ) -> None:
        self.evaluation = evaluation_url.rstrip("/")
        self.notifications = notifications_url.rstrip("/")
        self.membership = membership_url.rstrip("/")
        # Keep-alive connections to the services: a page makes two or three calls.
        self.client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def call(
        self,
        method: str,
        url: str,
        token: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """The JSON answer; 403/404/422 become the same domain errors here, anything else a 502."""
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            answer = await self.client.request(
                method, url, params=clean, json=json, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise UpstreamError(
                f"{url.split('/units')[0]} did not answer: {exc!r}", rule="upstream_unavailable"
            ) from exc
        if answer.status_code < 400:
            return answer.json() if answer.content else None
        detail = _detail(answer)
        named = {k: detail.get(k) for k in ("field", "value", "accepted")} | {"text": detail.get("text")}
        if answer.status_code == 403:
            raise ForbiddenError(
                detail.get("message") or "forbidden", rule=detail.get("rule") or "forbidden", **named
            )
        if answer.status_code == 404:
            # Also a unit outside the officer's scope: the service answers it as one that does not exist.
            raise NotFoundError(
                detail.get("message") or "not found", rule=detail.get("rule") or "not_found", **named
            )
        error = UpstreamError(
            detail.get("message", answer.text[:300]),
            rule=detail.get("rule", "upstream_error"),
            field=detail.get("field"),
            value=detail.get("value"),
            accepted=detail.get("accepted"),
            text=detail.get("text"),
        )
        error.status_code = answer.status_code if answer.status_code in (409, 422) else 502
        raise error

    async def evaluation_get(self, path: str, token: str, **params: Any) -> Any:
        return await self.call("GET", f"{self.evaluation}{path}", token, params=params)

    async def evaluation_post(self, path: str, token: str, body: dict[str, Any]) -> Any:
        return await self.call("POST", f"{self.evaluation}{path}", token, json=body)

    async def membership_get(self, path: str, token: str, **params: Any) -> Any:
        return await self.call("GET", f"{self.membership}{path}", token, params=params)

    async def notifications_get(self, path: str, token: str, **params: Any) -> Any:
        return await self.call("GET", f"{self.notifications}{path}", token, params=params)

    async def notifications_post(self, path: str, token: str) -> Any:
        return await self.call("POST", f"{self.notifications}{path}", token)


def _detail(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    if not isinstance(body, dict):
        return {}
    details = body.get("detail")
    first = details[0] if isinstance(details, list) and details and isinstance(details[0], dict) else {}
    return {
        "message": body.get("message") or first.get("message"),
        "rule": body.get("error") or first.get("rule"),
        "field": first.get("field"),
        "value": first.get("value"),
        "accepted": first.get("accepted"),
        "text": _message(first.get("text")),
    }


def _message(value: Any) -> Message | None:
    """The error as a message the page renders in its language, where the service said it as one."""
    try:
        return Message.model_validate(value) if isinstance(value, dict) else None
    except ValidationError:
        return None
