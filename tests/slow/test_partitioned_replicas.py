"""Two replicas of evaluation, each with a partition of the provinces, build together the read model
that one replica builds alone: every event applied once, by exactly one of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from chudong.nats.server import EmbeddedNats
from services.evaluation.adapters.member_counts import member_places, unit_member_counts
from shared.orgtree import OrgTreeProjection
from shared.store import Database
from tests.slow.harness import (
    ServiceProcess,
    admit_until_accepted,
    events_applied,
    register_tree,
    running,
    transfer,
    wait_for_count,
)
from tests.support import create_postgres_database

pytestmark = pytest.mark.slow


async def read_model(url: str) -> dict[str, list[tuple[Any, ...]]]:
    db = Database(url)
    tables = [unit_member_counts, member_places, *OrgTreeProjection.metadata.sorted_tables]
    try:
        async with db.read() as conn:
            return {
                table.name: sorted(tuple(row) for row in await conn.execute(select(table)))
                for table in tables
            }
    finally:
        await db.dispose()


async def test_two_partitioned_replicas_build_the_read_model_of_one(
    nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    membership_db, drop_membership = await create_postgres_database()
    shared_db, drop_shared = await create_postgres_database()
    single_db, drop_single = await create_postgres_database()
    logs = tmp_path / "logs"
    membership = ServiceProcess("membership", nats_server.url, membership_db, logs)
    north = ServiceProcess(
        "evaluation", nats_server.url, shared_db, logs,
        {"EVALUATION_PARTITION": "=vn,vn.p1", "EVALUATION_PARTITION_NAME": "north"}, label="north",
    )  # fmt: skip
    south = ServiceProcess(
        "evaluation", nats_server.url, shared_db, logs,
        {"EVALUATION_PARTITION": "vn.p2,vn.p3", "EVALUATION_PARTITION_NAME": "south"}, label="south",
    )  # fmt: skip
    single = ServiceProcess("evaluation", nats_server.url, single_db, logs, label="single")
    try:
        with running(membership, north, south, single):
            membership.start()
            north.start()
            south.start()  # after north: the first start creates the shared database's tables
            single.start()
            with httpx.Client(timeout=10) as client:
                branches = register_tree(client, membership.url, ["p1", "p2", "p3"])
                for index in range(60):
                    admit_until_accepted(client, membership.url, branches[index % len(branches)], f"m{index}")
                # One member moves to the other partition: each replica applies one end of the transfer.
                transfer(client, membership.url, "m0", branches[2])
                for evaluation in (single, north, south):
                    wait_for_count(client, evaluation.url, 60)
                    wait_for_count(client, evaluation.url, 19, unit="p1")
                    wait_for_count(client, evaluation.url, 21, unit="p2")
                applied = {r.label: events_applied(client, r.url) for r in (north, south)}
            assert all(count > 0 for count in applied.values()), applied
        assert await read_model(shared_db) == await read_model(single_db)
    finally:
        await drop_membership()
        await drop_shared()
        await drop_single()
