"""One relay per service across replicas: the holder of the service's advisory lock, replaced when it goes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import pytest

from shared.runtime.leadership import run_as_leader
from shared.store import Database


@pytest.mark.postgres
async def test_only_one_replica_leads_and_another_takes_over_when_it_stops(postgres_url: str) -> None:
    first_db, second_db = Database(postgres_url), Database(postgres_url)
    running: list[str] = []

    def worker(name: str) -> Callable[[], Awaitable[None]]:
        async def work() -> None:
            running.append(name)
            try:
                await asyncio.Event().wait()
            finally:
                running.remove(name)

        return work

    first = asyncio.create_task(run_as_leader(first_db, "relay:membership", worker("first"), retry=0.05))
    async with asyncio.timeout(10):
        while running != ["first"]:
            await asyncio.sleep(0.02)
    second = asyncio.create_task(run_as_leader(second_db, "relay:membership", worker("second"), retry=0.05))
    await asyncio.sleep(0.5)
    assert running == ["first"]
    first.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await first
    await first_db.dispose()  # the session ends, the lock is free
    async with asyncio.timeout(10):
        while running != ["second"]:
            await asyncio.sleep(0.02)
    second.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await second
    await second_db.dispose()
