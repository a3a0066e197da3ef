"""Loading a demo history through the services' own HTTP commands (for the small scales).

Each event becomes the request an officer's client would send (see ``commands``), with an
``Idempotency-Key`` so a retried request is recorded once. Several unions are loaded side by side,
and within a union many commands are in flight at once: a command waits only for those it depends
on (see ``ordering``), so every command is valid when it is sent. One HTTP session per service keeps
its connections open (HTTP/1.1 keep-alive); ``in_flight`` bounds the requests outstanding.

The client is aiohttp's, not httpx's: with dozens of requests in flight httpx's connection pool costs
2–5 ms of CPU a request (measured against a server that answers at once), aiohttp's about 0.3 ms, and
the client shares the machine's cores with the services it loads.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import aiohttp

from chudong.demo.commands import Command, command_for
from chudong.demo.generator import DemoEvent, Generator
from chudong.demo.ordering import Ordering, keys_of
from shared.retry import Backoff

# Planning and evaluation learn of new units from membership's events, and evaluation of a union's
# registration as a model from planning's: until they have, a command about them is answered 404
# (or, for a self-assessment, 409 "unregistered"). A service is also briefly 503 when busy.
RETRY_STATUSES = frozenset({404, 503})
RETRY_FOR_SECONDS = 60.0

# Evaluation's recognition workflow takes no Idempotency-Key: a self-assessment sent again is
# refused because the workflow has moved past it, which for a re-run demo means "already recorded".
_PAST_SELF_ASSESSMENT = ("self_assessed", "appraised", "recognised", "denied")


class CommandRejectedError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    text: str


def _recognition_step(command: Command, answer: Answer) -> str | None:
    """Where the recognition workflow stood when it refused a self-assessment (None: no such refusal)."""
    if not command.path.endswith("/self-assessment") or answer.status not in (409, 422):
        return None
    try:
        detail = json.loads(answer.text).get("detail", [{}])[0]
    except (ValueError, AttributeError, IndexError):
        return None
    return str(detail.get("value")) if detail.get("rule") == "recognition_step" else None


def already_recorded(command: Command, answer: Answer) -> bool:
    return _recognition_step(command, answer) in _PAST_SELF_ASSESSMENT


def not_yet_known(command: Command, answer: Answer) -> bool:
    """Refused for what the service has not yet learnt from another one: worth asking again."""
    return answer.status in RETRY_STATUSES or _recognition_step(command, answer) == "unregistered"


def idempotency_key(prefix: str, index: int, command: Command) -> str:
    """The key names the request itself: the same history sent again is recorded once, and a
    different history (another version of the generator) never collides with it."""
    body = json.dumps([command.method, command.path, command.body], sort_keys=True, default=str)
    return f"demo-{prefix}-{index}-{hashlib.sha256(body.encode()).hexdigest()[:16]}"


async def _settle_one(placed: set[asyncio.Task[None]]) -> None:
    """Wait until one of ``placed`` ends and forget those ended; a refusal among them is raised."""
    ended, _ = await asyncio.wait(placed, return_when=asyncio.FIRST_COMPLETED)
    placed -= ended
    for task in ended:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


class HttpLoader:
    """``tokens`` gives the bearer token of an officer of a unit (the demo's admin at ``vn`` for most
    commands; the approving district for a plan's approval)."""

    def __init__(
        self,
        urls: dict[str, str],
        tokens: Callable[[str], str] | str,
        *,
        in_flight: int = 48,
        unions_at_once: int = 8,
        timeout: float = 60.0,
    ) -> None:
        self.sessions = {
            name: aiohttp.ClientSession(
                url,
                connector=aiohttp.TCPConnector(limit=in_flight),
                timeout=aiohttp.ClientTimeout(total=timeout),
            )
            for name, url in urls.items()
        }
        token_of = tokens if callable(tokens) else (lambda _unit: tokens)
        self.headers = cache(lambda unit: {"Authorization": f"Bearer {token_of(unit)}"})
        self.in_flight = asyncio.Semaphore(in_flight)
        self.window = 4 * in_flight  # commands of a union placed ahead of those recorded
        self.unions_at_once = unions_at_once
        self.sent = 0

    async def send(self, command: Command, key: str) -> None:
        headers = {**self.headers(command.as_unit), "Idempotency-Key": key}
        backoff = Backoff(0.05, 1.0, retry_for=RETRY_FOR_SECONDS)
        while True:
            try:
                async with self.in_flight:
                    answer = await self.request(command, headers)
            except (aiohttp.ClientConnectionError, TimeoutError):
                if backoff.expired():
                    raise
                await backoff.wait(lengthen=False)  # a service starting: ask again soon
                continue
            if answer.status < 300 or already_recorded(command, answer):
                self.sent += 1
                return
            if not not_yet_known(command, answer) or backoff.expired():
                raise CommandRejectedError(
                    f"{command.method} {command.path} → {answer.status}: {answer.text[:500]}"
                )
            await backoff.wait()

    async def request(self, command: Command, headers: dict[str, str]) -> Answer:
        session = self.sessions[command.service]
        async with session.request(command.method, command.path, json=command.body, headers=headers) as got:
            return Answer(got.status, await got.text())

    async def send_in_order(self, events: Iterable[DemoEvent], prefix: str) -> None:
        """One command after another (the provinces and districts, each under the one before)."""
        for i, event in enumerate(events):
            command = command_for(event)
            await self.send(command, idempotency_key(prefix, i, command))

    async def send_union(self, events: Iterable[DemoEvent], prefix: str) -> None:
        """A union's history, many commands at once, each after those it depends on."""
        ordering = Ordering()
        loop = asyncio.get_running_loop()
        placed: set[asyncio.Task[None]] = set()
        try:
            for index, event in enumerate(events):
                command = command_for(event)
                done: asyncio.Future[None] = loop.create_future()
                waits = ordering.place(keys_of(event), done)
                key = idempotency_key(prefix, index, command)
                placed.add(asyncio.create_task(self._after(waits, command, key, done)))
                while len(placed) >= self.window:
                    await _settle_one(placed)
            while placed:
                await _settle_one(placed)
        finally:
            for task in placed:
                task.cancel()
            await asyncio.gather(*placed, return_exceptions=True)

    async def _after(
        self, waits: list[asyncio.Future[None]], command: Command, key: str, done: asyncio.Future[None]
    ) -> None:
        """Send ``command`` once what it waits for is recorded; ``done`` says it is recorded too."""
        try:
            for before in waits:
                await before
            await self.send(command, key)
        except BaseException:
            done.cancel()  # what waits for it is given up in turn
            raise
        done.set_result(None)

    async def load(self, generator: Generator, progress: Callable[[int], None] | None = None) -> int:
        await self.send_in_order(generator.tree(), f"{generator.seed}-tree")
        unions = iter(generator.unions())

        async def worker() -> None:
            for union in unions:  # each worker takes the next union not yet taken
                history = generator.union_history(union)
                await self.send_union(history, f"{generator.seed}-{union.unit_id}")

        reporter = asyncio.create_task(self._report(progress)) if progress is not None else None
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(self.unions_at_once):
                    group.create_task(worker())
        finally:
            if reporter is not None:
                reporter.cancel()
        if progress is not None:
            progress(self.sent)
        return self.sent

    async def _report(self, progress: Callable[[int], None]) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(max(0.0, last + 5 - time.monotonic()))
            last = time.monotonic()
            progress(self.sent)

    async def close(self) -> None:
        for session in self.sessions.values():
            await session.close()
