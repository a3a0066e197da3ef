"""The demo's HTTP loader: it asks again while a service is starting or has not yet learnt of a unit,
stops at a refusal waiting cannot mend, and sends a union's history many commands at once, each after
those it depends on."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date

import pytest
from aiohttp import web

from chudong.demo import SCALES, Generator
from chudong.demo import http as demo_http
from chudong.demo.commands import Command, command_for
from chudong.demo.http import CommandRejectedError, HttpLoader
from shared.contracts import membership as ms
from shared.contracts import planning as pl

COMMAND = Command("planning", "POST", "/plans", {"unit_id": "bg-pl"})
SELF_ASSESSMENT = Command("evaluation", "POST", "/units/bg-dcs001/self-assessment", {"year": 2026})


@dataclass
class Service:
    """A service that answers from a script (one answer a request), or 201 after a short random wait."""

    url: str = ""
    script: list[int | tuple[int, dict[str, object]] | str] = field(default_factory=list)
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)  # Idempotency-Keys, in the order they were recorded
    in_flight: int = 0
    most_in_flight: int = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.path, dict(request.headers)))
        if self.script:
            given = self.script.pop(0)
            if isinstance(given, str):  # "drop": the connection closes before an answer (a service starting)
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=503)
            status, body = given if isinstance(given, tuple) else (given, {})
            return web.json_response(body, status=status)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(random.uniform(0, 0.004))
        self.in_flight -= 1
        self.recorded.append(request.headers["Idempotency-Key"])
        return web.json_response({"events": []}, status=201)


@asynccontextmanager
async def running(service: Service) -> AsyncIterator[Service]:
    app = web.Application()
    app.router.add_route("*", "/{path:.*}", service.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    service.url = f"http://127.0.0.1:{port}"
    try:
        yield service
    finally:
        await runner.cleanup()


@asynccontextmanager
async def loader_for(service: Service, **options: int) -> AsyncIterator[HttpLoader]:
    urls = {name: service.url for name in ("membership", "planning", "evaluation")}
    loading = HttpLoader(urls, lambda unit: f"token-of-{unit}", **options)
    try:
        yield loading
    finally:
        await loading.close()


async def test_a_command_is_sent_again_until_the_service_takes_it() -> None:
    async with running(Service(script=["drop", 404, 503, 201])) as service, loader_for(service) as loading:
        await loading.send(COMMAND, "key-1")
    assert loading.sent == 1 and len(service.seen) == 4
    assert {headers["Idempotency-Key"] for _, headers in service.seen} == {"key-1"}
    assert {headers["Authorization"] for _, headers in service.seen} == {"Bearer token-of-vn"}


async def test_a_refusal_that_waiting_cannot_mend_is_raised_at_once() -> None:
    async with running(Service(script=[(422, {"detail": []})])) as service, loader_for(service) as loading:
        with pytest.raises(CommandRejectedError, match="422"):
            await loading.send(COMMAND, "key-2")
    assert len(service.seen) == 1


async def test_past_its_deadline_it_stops_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_http, "RETRY_FOR_SECONDS", 0.0)
    async with running(Service(script=[404, 201])) as service, loader_for(service) as loading:
        with pytest.raises(CommandRejectedError, match="404"):
            await loading.send(COMMAND, "key-3")
    assert len(service.seen) == 1


def _step(value: str) -> tuple[int, dict[str, object]]:
    return 409, {"detail": [{"rule": "recognition_step", "value": value}]}


async def test_a_self_assessment_waits_for_evaluation_to_learn_of_the_registration() -> None:
    """Evaluation learns of a union's registration as a model from planning: until then it refuses the
    self-assessment as "unregistered"; once past that step (a re-run demo), it is taken as recorded."""
    script: list[int | tuple[int, dict[str, object]] | str] = [_step("unregistered"), 201, _step("appraised")]
    async with running(Service(script=script)) as service, loader_for(service) as loading:
        await loading.send(SELF_ASSESSMENT, "key-4")
        await loading.send(SELF_ASSESSMENT, "key-5")
        assert loading.sent == 2 and len(service.seen) == 3
        service.script.append(_step("draft"))
        with pytest.raises(CommandRejectedError, match="409"):
            await loading.send(SELF_ASSESSMENT, "key-6")


async def test_a_union_is_sent_many_commands_at_once_each_after_what_it_depends_on() -> None:
    generator = Generator(SCALES["unit"], 1, 3, date(2026, 11, 27))
    union = max(generator.unions(), key=lambda u: len(u.branches))
    history = generator.union_history(union)
    async with running(Service()) as service, loader_for(service, in_flight=16) as loading:
        await loading.send_union(history, "test")
    keys = [demo_http.idempotency_key("test", i, command_for(e)) for i, e in enumerate(history)]
    assert sorted(service.recorded) == sorted(keys), "every command is recorded once"
    recorded_at = {key: at for at, key in enumerate(service.recorded)}
    last_on_stream: dict[str, int] = {}
    for i, event in enumerate(history):
        stream = f"{event.service}:{event.stream_id}"
        if stream in last_on_stream:
            assert recorded_at[keys[last_on_stream[stream]]] < recorded_at[keys[i]], event
        last_on_stream[stream] = i
        if isinstance(event.payload, ms.BranchRosterReviewed):
            assert all(recorded_at[keys[j]] < recorded_at[keys[i]] for j in range(i))
    assert service.most_in_flight > 4
    # A plan is approved by the union's recognising unit, with a token of its own.
    approvals = [headers for path, headers in service.seen if path.endswith("/approval")]
    approved = [e.payload for e in history if isinstance(e.payload, pl.PlanApproved)]
    assert approvals and {h["Authorization"] for h in approvals} == {
        f"Bearer token-of-{p.approved_by_unit_id}" for p in approved
    }
