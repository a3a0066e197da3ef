"""One relay per service across replicas: the holder of the service's advisory lock, replaced when it goes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import event

from chudong.nats.server import EmbeddedNats
from shared.runtime import ServiceRuntime
from shared.runtime.leadership import run_as_leader
from shared.settings import CommonSettings, service_settings
from shared.store import Database
from tests.support import cancel, wait_until


def lock_attempts(db: Database) -> Callable[[], int]:
    """How many times ``db`` has asked PostgreSQL for an advisory lock, refused tries included.

    A replica that does not lead must have been refused, not merely not have asked yet: counting its
    tries makes that a condition to wait for instead of a pause.
    """
    count = 0

    def seen(conn: object, cursor: object, statement: str, *_: object) -> None:
        nonlocal count
        if "pg_try_advisory_lock" in statement:
            count += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    return lambda: count


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
    await wait_until(lambda: running == ["first"], what="first leads")
    tries = lock_attempts(second_db)
    second = asyncio.create_task(run_as_leader(second_db, "relay:membership", worker("second"), retry=0.05))
    await wait_until(lambda: tries() >= 3, what="second asked for the lock three times")
    assert running == ["first"]
    await cancel(first)
    await first_db.dispose()  # the session ends, the lock is free
    await wait_until(lambda: running == ["second"], what="second leads")
    await cancel(second)
    await second_db.dispose()


@pytest.mark.postgres
async def test_a_singleton_task_runs_in_one_replica_at_a_time(
    postgres_url: str, nats_server: EmbeddedNats, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFICATIONS_DATABASE_URL", postgres_url)
    common = CommonSettings(data_dir=tmp_path, nats_url=nats_server.url, jwt_secret="s" * 32)
    running: list[int] = []

    def replica(number: int) -> ServiceRuntime:
        runtime = ServiceRuntime(common, service_settings("notifications"))

        async def send_what_is_due() -> None:
            running.append(number)
            try:
                await asyncio.Event().wait()
            finally:
                running.remove(number)

        runtime.add_task("dispatcher", send_what_is_due, singleton=True)
        return runtime

    first, second = replica(1), replica(2)
    tries = lock_attempts(second.db)
    await first.start()
    await wait_until(lambda: running == [1], what="replica 1 leads")
    await second.start()
    try:
        await wait_until(lambda: tries() >= 2, what="replica 2 asked for the lock twice")
        assert running == [1]
        await first.stop()  # its database session ends: the lock is free
        await wait_until(lambda: running == [2], what="replica 2 leads")
    finally:
        await second.stop()
