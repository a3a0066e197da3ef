"""A three-node NATS cluster losing its stream leader and then a follower under a steady stream of
commands: every event is delivered, none counts twice, and evaluation's state equals a rebuild."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from nats.aio.client import Client
from sqlalchemy import select

from chudong.nats.cluster import LocalCluster
from chudong.runner import create_streams
from services.evaluation.adapters.member_counts import MemberCountProjection, unit_member_counts
from services.evaluation.adapters.member_counts import metadata as counts_metadata
from shared.bus.connection import connect
from shared.bus.consumer import ProjectionConsumer
from shared.bus.keys import fixed_keys
from shared.bus.subjects import stream_name
from shared.store import Database
from tests.slow.harness import ServiceProcess, SteadyAdmissions, register_tree, running, wait_for_count
from tests.support import create_postgres_database

pytestmark = pytest.mark.slow
STREAM = stream_name("membership")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[LocalCluster]:
    with LocalCluster(tmp_path / "cluster") as started:
        yield started


async def admin_client(cluster: LocalCluster) -> Client:
    user, password = cluster.admin
    return await connect(cluster.url, name="fault-test", user=user, password=password, connect_timeout=30)


async def leader_of(nc: Client, stream: str) -> str:
    """The node that leads ``stream`` now, once the cluster has one."""
    async with asyncio.timeout(60):
        while True:
            with contextlib.suppress(Exception):
                info = await nc.jetstream().stream_info(stream)
                if info.cluster is not None and info.cluster.leader:
                    return info.cluster.leader
            await asyncio.sleep(0.2)


async def rebuild_counts(nc: Client, tmp_path: Path) -> dict[str, int]:
    """Evaluation's member counts built afresh from the whole membership stream."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'rebuild.db'}")
    try:
        await db.create_all(counts_metadata)
        last = (await nc.jetstream().stream_info(STREAM)).state.last_seq
        consumer = ProjectionConsumer(
            db,
            nc.jetstream(),
            MemberCountProjection(),
            STREAM,
            service="membership",
            keys=fixed_keys("evaluation"),
            batch_size=500,
        )
        await consumer.catch_up(last)
        return await read_counts(db)
    finally:
        await db.dispose()


async def read_counts(db: Database) -> dict[str, int]:
    async with db.read() as conn:
        return {r.unit_id: r.active_members for r in await conn.execute(select(unit_member_counts))}


async def test_killing_the_stream_leader_then_a_follower_loses_and_doubles_nothing(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    await create_streams(cluster.url, *cluster.admin, replicas=3)
    membership_db, drop_membership = await create_postgres_database()
    evaluation_db, drop_evaluation = await create_postgres_database()

    def service(name: str, url: str) -> ServiceProcess:
        user, password = cluster.credentials(name)
        env = {
            f"{name.upper()}_NATS_USER": user,
            f"{name.upper()}_NATS_PASSWORD": password,
            "CHUDONG_MANAGE_STREAMS": "false",
        }
        return ServiceProcess(name, cluster.url, url, tmp_path / "logs", env)

    membership, evaluation = service("membership", membership_db), service("evaluation", evaluation_db)
    nc = await admin_client(cluster)
    try:
        with running(membership, evaluation):
            membership.start()
            evaluation.start()
            with httpx.Client(timeout=10) as client:
                branches = register_tree(client, membership.url, ["p1", "p2"])
            with SteadyAdmissions(membership.url, branches) as admissions:
                await admissions.wait_for_more(40)
                leader = cluster.node(await leader_of(nc, STREAM))
                leader.kill()
                await admissions.wait_for_more(40)
                new_leader = await leader_of(nc, STREAM)
                follower = next(n for n in cluster.nodes if n not in (leader, cluster.node(new_leader)))
                follower.kill()  # two of three down: the stream has no quorum, commands still succeed
                await admissions.wait_for_more(40)
                leader.start()
                follower.start()
                await admissions.wait_for_more(40)
            admitted = list(admissions.admitted)
            assert len(admitted) == len(set(admitted)) >= 160
            with httpx.Client(timeout=10) as client:
                wait_for_count(client, evaluation.url, len(admitted), timeout=120)
            live = Database(evaluation_db)
            try:
                live_counts = await read_counts(live)
            finally:
                await live.dispose()
        rebuilt = await rebuild_counts(nc, tmp_path)
        assert sum(rebuilt.values()) == len(admitted)  # active members, kept per branch
        assert live_counts == rebuilt
    finally:
        await nc.close()
        await drop_membership()
        await drop_evaluation()
