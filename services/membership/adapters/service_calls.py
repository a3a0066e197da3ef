"""An import's steps sent to the services' HTTP commands, with the caller's own token.

Each service checks the token, its scope and the command's rules again, as for any officer's request.
Planning and evaluation learn of a new unit or member from membership's events a moment after it is
recorded: until they have, they answer 404, and the step is sent again for a while (as on a 503 or a
service that does not answer yet).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import httpx

from services.membership.domain.year_import.steps import Step
from shared.retry import Backoff

_WAIT_STATUSES = frozenset({503})
_LEARNING = frozenset({"unknown_unit", "unknown_member", "unknown_branch", "unknown_parent"})


class Sent(StrEnum):
    RECORDED = "recorded"
    REPLAYED = "replayed"  # the service answered from the step's Idempotency-Key: written before
    ALREADY = "already_recorded"  # refused as a record that exists: written by an earlier import


class StepRefusedError(Exception):
    """A service refused a step: nothing of it was written."""

    def __init__(self, step: Step, status: int, detail: Mapping[str, Any]) -> None:
        super().__init__(f"{step.method} {step.path} → {status}: {detail.get('message', '')}")
        self.step = step
        self.status = status
        self.detail = dict(detail)


class ServiceCalls:
    """The services' command APIs, called with one caller's token."""

    def __init__(
        self,
        urls: Mapping[str, str],
        token: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 60.0,
        wait_for: float = 120.0,
    ) -> None:
        self.urls = {name: url.rstrip("/") for name, url in urls.items()}
        self.wait_for = wait_for
        self.client = httpx.AsyncClient(
            timeout=timeout, transport=transport, headers={"Authorization": f"Bearer {token}"}
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def send(self, step: Step) -> Sent:
        """Send ``step`` until its service takes it, or refuses it (:class:`StepRefusedError`)."""
        url = f"{self.urls[step.service]}{step.path}"
        backoff = Backoff(0.05, 2.0, retry_for=self.wait_for)
        while True:
            try:
                answer = await self.client.request(
                    step.method, url, json=dict(step.body), headers={"Idempotency-Key": step.key}
                )
            except httpx.TransportError as exc:
                if backoff.expired():
                    detail = {
                        "rule": "service_unavailable",
                        "message": f"{step.service} did not answer: {exc!r}",
                    }
                    raise StepRefusedError(step, 503, detail) from exc
                await backoff.wait(lengthen=False)
                continue
            if answer.status_code < 300:
                return Sent.REPLAYED if answer.headers.get("Idempotent-Replayed") == "true" else Sent.RECORDED
            detail = _detail(answer)
            if detail.get("rule") in step.already:
                return Sent.ALREADY
            if self._waits(step, answer.status_code, detail) and not backoff.expired():
                await backoff.wait()
                continue
            raise StepRefusedError(step, answer.status_code, detail)

    @staticmethod
    def _waits(step: Step, status: int, detail: Mapping[str, Any]) -> bool:
        if status in _WAIT_STATUSES or detail.get("rule") == "concurrent_change":
            return True
        return status == 404 and step.service != "membership" and detail.get("rule") in _LEARNING


def _detail(answer: httpx.Response) -> dict[str, Any]:
    """The refusal's rule, message, field, value and what is accepted, from the service's error answer."""
    try:
        body = answer.json()
    except ValueError:
        return {"message": answer.text[:300]}
    if not isinstance(body, dict):
        return {"message": str(body)[:300]}
    details = body.get("detail")
    first = details[0] if isinstance(details, list) and details and isinstance(details[0], dict) else {}
    return {
        "rule": body.get("error") or first.get("rule"),
        "message": first.get("message") or body.get("message", ""),
        "field": first.get("field"),
        "value": first.get("value"),
        "accepted": first.get("accepted", ""),
    }
