"""PostgreSQL killed and restarted under the services while commands arrive: commands are refused with
"unavailable, retry" while it is down, nothing is half-written, and the services recover by themselves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from chudong.nats.server import EmbeddedNats
from shared.store import Database
from shared.store.verify import verify_chain
from tests.slow.harness import (
    PrivatePostgres,
    ServiceProcess,
    SteadyAdmissions,
    auth,
    register_tree,
    running,
    wait_for_count,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres().init()
    yield server
    server.destroy()


async def create_database(server: PrivatePostgres, name: str) -> str:
    url = make_url(server.url)
    conn = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.set(database=name).render_as_string(hide_password=False)


async def test_a_database_killed_under_the_services_refuses_commands_and_loses_nothing(
    postgres: PrivatePostgres, nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    membership_db = await create_database(postgres, "membership")
    evaluation_db = await create_database(postgres, "evaluation")
    logs = tmp_path / "logs"
    membership = ServiceProcess("membership", nats_server.url, membership_db, logs)
    evaluation = ServiceProcess("evaluation", nats_server.url, evaluation_db, logs)
    with running(membership, evaluation):
        membership.start()
        evaluation.start()
        pids = (membership.process and membership.process.pid, evaluation.process and evaluation.process.pid)
        with httpx.Client(timeout=10) as client:
            branches = register_tree(client, membership.url, ["p1"])
        with SteadyAdmissions(membership.url, branches) as admissions:
            await admissions.wait_for_more(30)
            postgres.kill()
            await admissions.wait_for_refusals(5)
            with httpx.Client(timeout=10) as client:
                health = client.get(f"{membership.url}/healthz")
                assert health.status_code == 503 and health.json()["database"] == "unavailable"
            postgres.start()
            await admissions.wait_for_more(30)
        admitted = list(admissions.admitted)
        for refusal in admissions.refusals:
            body = refusal.json()
            assert refusal.status_code == 503
            assert "unavailable" in str(body) and "retry" in str(body), body
        with httpx.Client(timeout=10) as client:
            listed = client.get(f"{membership.url}/units/vn/members", headers=auth(), params={"limit": 1000})
            assert listed.status_code == 200, listed.text
            assert sorted(m["member_id"] for m in listed.json()["items"]) == sorted(admitted)
            wait_for_count(client, evaluation.url, len(admitted))
            assert client.get(f"{membership.url}/healthz").status_code == 200
        assert (
            membership.process and membership.process.pid,
            evaluation.process and evaluation.process.pid,
        ) == pids
        assert all(p.process is not None and p.process.poll() is None for p in (membership, evaluation))
    store = Database(membership_db)
    try:
        report = await verify_chain(store)
    finally:
        await store.dispose()
    assert report.ok, report.first_break
    assert report.events == len(admitted) + 1 + 5  # the members, the national unit and the tree of p1
