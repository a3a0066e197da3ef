"""Loading a demo history through the services' own HTTP commands (for the small scales).

Each event becomes the request an officer's client would send (see ``commands``), with an
``Idempotency-Key`` so a retried request is recorded once. Unions are loaded side by side,
each union's requests strictly in the order they happened.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Iterable

import httpx

from chudong.demo.commands import Command, command_for
from chudong.demo.generator import DemoEvent, Generator, UnionPlan
from shared.retry import Backoff

# Planning and evaluation learn of new units from membership's events: until they have, a
# command about a unit just registered is answered 404; the service is also briefly 503 when busy.
RETRY_STATUSES = frozenset({404, 503})
RETRY_FOR_SECONDS = 60.0


# Evaluation's recognition workflow takes no Idempotency-Key: a self-assessment sent again is
# refused because the workflow has moved past it, which for a re-run demo means "already recorded".
_PAST_SELF_ASSESSMENT = ("self_assessed", "appraised", "recognised", "denied")


class CommandRejectedError(RuntimeError):
    pass


def already_recorded(command: Command, response: httpx.Response) -> bool:
    if not command.path.endswith("/self-assessment") or response.status_code not in (409, 422):
        return False
    try:
        detail = response.json().get("detail", [{}])[0]
    except (ValueError, AttributeError, IndexError):
        return False
    return bool(detail.get("rule") == "recognition_step" and detail.get("value") in _PAST_SELF_ASSESSMENT)


class HttpLoader:
    def __init__(
        self, urls: dict[str, str], token: str, *, concurrency: int = 4, timeout: float = 30.0
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        self.clients = {
            name: httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout)
            for name, url in urls.items()
        }
        self.concurrency = concurrency
        self.sent = 0

    async def send(self, command: Command, key: str) -> None:
        client = self.clients[command.service]
        backoff = Backoff(0.05, 1.0, retry_for=RETRY_FOR_SECONDS)
        while True:
            try:
                response = await client.request(
                    command.method, command.path, json=command.body, headers={"Idempotency-Key": key}
                )
            except httpx.TransportError:
                if backoff.expired():
                    raise
                await backoff.wait(lengthen=False)  # a service starting: ask again soon
                continue
            if response.status_code < 300 or already_recorded(command, response):
                self.sent += 1
                return
            if response.status_code not in RETRY_STATUSES or backoff.expired():
                raise CommandRejectedError(
                    f"{command.method} {command.path} → {response.status_code}: {response.text[:500]}"
                )
            await backoff.wait()

    async def send_all(self, events: Iterable[DemoEvent], prefix: str) -> None:
        for i, event in enumerate(events):
            command = command_for(event)
            # The key names the request itself: the same history sent again is recorded once, and a
            # different history (another version of the generator) never collides with it.
            body = json.dumps([command.method, command.path, command.body], sort_keys=True, default=str)
            await self.send(command, f"demo-{prefix}-{i}-{hashlib.sha256(body.encode()).hexdigest()[:16]}")

    async def load(self, generator: Generator, progress: Callable[[int], None] | None = None) -> int:
        await self.send_all(generator.tree(), f"{generator.seed}-tree")
        queue: asyncio.Queue[UnionPlan] = asyncio.Queue()
        for union in generator.unions():
            queue.put_nowait(union)

        async def worker() -> None:
            while not queue.empty():
                union = queue.get_nowait()
                history = generator.union_history(union)
                await self.send_all(history, f"{generator.seed}-{union.unit_id}")
                if progress is not None:
                    progress(self.sent)

        await asyncio.gather(*(worker() for _ in range(self.concurrency)))
        return self.sent

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()
