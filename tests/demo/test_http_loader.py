"""The demo's HTTP loader asks again while a service is starting or has not yet learnt of a unit."""

from __future__ import annotations

import httpx
import pytest

from chudong.demo import http
from chudong.demo.commands import Command
from chudong.demo.http import CommandRejectedError, HttpLoader

COMMAND = Command("planning", "POST", "/plans", {"unit_id": "bg-pl"})


def loader(answers: list[httpx.Response | Exception]) -> tuple[HttpLoader, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        given = answers.pop(0)
        if isinstance(given, Exception):
            raise given
        return given

    loading = HttpLoader({"planning": "http://planning"}, "token")
    loading.clients["planning"] = httpx.AsyncClient(
        base_url="http://planning", transport=httpx.MockTransport(answer)
    )
    return loading, seen


async def test_a_command_is_sent_again_until_the_service_takes_it() -> None:
    loading, seen = loader(
        [httpx.ConnectError("starting"), httpx.Response(404), httpx.Response(503), httpx.Response(201)]
    )
    await loading.send(COMMAND, "key-1")
    assert loading.sent == 1 and len(seen) == 4
    assert {request.headers["Idempotency-Key"] for request in seen} == {"key-1"}


async def test_a_refusal_that_waiting_cannot_mend_is_raised_at_once() -> None:
    loading, seen = loader([httpx.Response(422, json={"detail": []})])
    with pytest.raises(CommandRejectedError, match="422"):
        await loading.send(COMMAND, "key-2")
    assert len(seen) == 1


async def test_past_its_deadline_it_stops_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "RETRY_FOR_SECONDS", 0.0)
    loading, seen = loader([httpx.Response(404), httpx.Response(201)])
    with pytest.raises(CommandRejectedError, match="404"):
        await loading.send(COMMAND, "key-3")
    assert len(seen) == 1
