"""Rebuilding a projection beside the live one and swapping it in (``ServiceRuntime.rebuild``).

A projection of branch member counts (a parent table) and the members counted (a child table
referring to it) is rebuilt while events keep arriving and a reader keeps reading: every read sees
either the old model or the rebuilt one, never a mix, and the result equals a rebuild from scratch.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from nats.js import JetStreamContext
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chudong.nats.server import EmbeddedNats
from shared.bus.consumer import ProjectionConsumer
from shared.bus.keys import fixed_keys
from shared.bus.subjects import stream_name
from shared.contracts.membership import MemberJoined
from shared.errors import ConflictError, NotFoundError
from shared.events import Envelope
from shared.runtime import ServiceRuntime
from shared.runtime.service import Source
from shared.settings import CommonSettings, ServiceSettings
from shared.store import Database, StreamAppend
from shared.store.upsert import upsert
from tests.projections import RecordingProjection
from tests.support import fixed_key_settings, member_event, wait_until

metadata = MetaData()
branches = Table(
    "rebuild_test_branches",
    metadata,
    Column("branch_id", String(63), primary_key=True),
    Column("members", Integer, nullable=False),
)
counted = Table(
    "rebuild_test_members",
    metadata,
    Column("member_id", String(63), primary_key=True),
    Column("branch_id", String(63), ForeignKey("rebuild_test_branches.branch_id"), nullable=False),
)

BRANCHES = ("b1", "b2", "b3")
TAMPERED = 10_000


class BranchCounts:
    """Counts the members admitted to each branch; a member seen twice would fail its primary key."""

    name = "branch_counts"
    tables = (counted, branches)  # any order: the rebuild sorts them by foreign key
    event_types = frozenset({"MemberJoined"})

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        assert isinstance(event.payload, MemberJoined)
        row = {"branch_id": event.payload.branch_id, "members": 1}
        await upsert(conn, branches, row, keys=["branch_id"], add=["members"])
        await conn.execute(
            counted.insert().values(member_id=event.payload.member_id, branch_id=row["branch_id"])
        )


def runtime(server: EmbeddedNats, tmp_path: Path, name: str, database_url: str) -> ServiceRuntime:
    common = CommonSettings(nats_url=server.url, data_dir=tmp_path)
    settings = ServiceSettings(
        name=name, database_url=database_url, consumer_batch_size=40, **fixed_key_settings(name)
    )
    return ServiceRuntime(common, settings, metadatas=[metadata])


async def model(conn: AsyncConnection) -> tuple[dict[str, int], dict[str, str]]:
    counts = {r[0]: int(r[1]) for r in await conn.execute(select(branches.c.branch_id, branches.c.members))}
    members = {r[0]: r[1] for r in await conn.execute(select(counted.c.member_id, counted.c.branch_id))}
    return counts, members


async def append_members(source: ServiceRuntime, first: int, count: int) -> None:
    appends = [
        StreamAppend(f"member-{i}", [member_event(str(i), f"vn.{BRANCHES[i % 3]}")])
        for i in range(first, first + count)
    ]
    await source.store.append(appends, actor="t")


async def from_scratch(
    js: JetStreamContext, tmp_path: Path, last: int
) -> tuple[dict[str, int], dict[str, str]]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}")
    await db.create_all(metadata)
    consumer = ProjectionConsumer(
        db, js, BranchCounts(), stream_name("membership"), service="scratch", keys=fixed_keys("evaluation")
    )
    try:
        await consumer.catch_up(last)
        async with db.read() as conn:
            return await model(conn)
    finally:
        await consumer.close()
        await db.dispose()


async def test_a_rebuild_swaps_in_a_model_equal_to_a_rebuild_from_scratch_and_readers_never_see_a_mix(
    nats_server: EmbeddedNats, js: JetStreamContext, tmp_path: Path, database_url: str
) -> None:
    source = runtime(nats_server, tmp_path, "membership", f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    service = runtime(nats_server, tmp_path, "evaluation", database_url)
    service.add_projection(BranchCounts(), [Source(stream_name("membership"))])
    await source.start()
    await service.start()
    try:
        await append_members(source, 0, 240)
        (live,) = service.projections["branch_counts"].consumers

        async def applied(n: int) -> bool:
            info = await js.stream_info(stream_name("membership"))
            return int(info.state.last_seq) >= n and live.checkpoint >= int(info.state.last_seq)

        await wait_until(lambda: applied(240), timeout=30)
        # A defect in the live model that only a rebuild from the events repairs.
        async with service.db.transaction() as conn:
            await conn.execute(update(branches).where(branches.c.branch_id == "b1").values(members=TAMPERED))

        seen: list[str] = []
        done = asyncio.Event()

        async def read() -> None:
            while not done.is_set():
                async with service.db.read() as conn:
                    counts, members = await model(conn)
                if counts.get("b1", 0) >= TAMPERED:  # the live consumer keeps counting on it
                    seen.append("old")
                else:
                    # The rebuilt model: complete and consistent, both tables from the same commit.
                    assert counts == {b: sum(1 for v in members.values() if v == b) for b in counts}
                    assert set(counts) == set(BRANCHES)
                    seen.append("new")
                await asyncio.sleep(0.005)  # a reader's pace while the rebuild runs, not a wait for it

        async def keep_appending() -> None:
            first = 240
            while not done.is_set():
                await append_members(source, first, 5)
                first += 5
                await asyncio.sleep(0.02)  # keeps writes coming during the rebuild: the load under test

        reader = asyncio.create_task(read())
        writer = asyncio.create_task(keep_appending())
        try:
            report = await service.rebuild("branch_counts")
            assert not service.rebuilds  # no rebuild in progress any more
            swapped_at = len(seen)  # the reader reads the new model again, members appended meanwhile
            await wait_until(
                lambda: len(seen) > swapped_at + 2 and seen[-1] == "new", what="the new model read"
            )
        finally:
            done.set()
            await writer
            await reader
        assert seen[0] == "old" and seen[-1] == "new"
        assert seen == sorted(seen, key=lambda s: s == "new"), "a reader saw the old model after the new one"
        assert report.events_applied >= 240
        assert set(report.rows) == {"rebuild_test_branches", "rebuild_test_members"}
        assert report.rows["rebuild_test_members"] >= 240

        last = (await source.store.head())[0]  # every member appended, once the relay has published them

        async def relayed() -> bool:
            return int((await js.stream_info(stream_name("membership"))).state.last_seq) >= last

        await wait_until(relayed, timeout=30)
        await wait_until(lambda: applied(last), timeout=30)
        async with service.db.read() as conn:
            rebuilt = await model(conn)
        assert rebuilt == await from_scratch(js, tmp_path, last)
        assert len(rebuilt[1]) == last
        # The shadow is gone, and so are its consumers on the server.
        names = [c.name for c in await js.consumers_info(stream_name("membership"))]
        assert not any(n.endswith("_rebuild") for n in names)
        if service.db.is_sqlite:
            assert not _shadow_files(tmp_path)
        listing = await service.projections_report()
        assert listing[0]["projection"] == "branch_counts"
        assert listing[0]["streams"][0]["checkpoint"] == last
        assert listing[0]["rebuild"] is None
    finally:
        await service.stop()
        await source.stop()


async def test_only_a_known_projection_that_names_its_tables_is_rebuilt(
    nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    service = runtime(nats_server, tmp_path, "evaluation", f"sqlite+aiosqlite:///{tmp_path / 'e.db'}")
    service.add_projection(BranchCounts(), [Source(stream_name("membership"))])
    service.add_projection(RecordingProjection(), [Source(stream_name("membership"))])
    await service.start()
    try:
        with pytest.raises(NotFoundError) as unknown:
            await service.rebuild("nope")
        assert unknown.value.accepted == "branch_counts, recording"
        with pytest.raises(ConflictError) as refused:
            await service.rebuild("recording")
        assert refused.value.rule == "not_rebuildable"
        feed = service.projections["branch_counts"]
        async with feed.lock:  # the rebuild waits for the projection's lock to swap
            first = asyncio.create_task(service.rebuild("branch_counts"))
            await wait_until(lambda: _waiting(service))
            with pytest.raises(ConflictError) as twice:
                await service.rebuild("branch_counts")
            assert twice.value.rule == "rebuild_in_progress"
            assert (await service.projections_report())[0]["rebuild"]["phase"] == "catching_up"
        report = await first
        assert report.rows == {"rebuild_test_branches": 0, "rebuild_test_members": 0}
    finally:
        with contextlib.suppress(Exception):
            await service.stop()


async def _waiting(service: ServiceRuntime) -> bool:
    progress = service.rebuilds.get("branch_counts")
    return progress is not None and progress.phase == "catching_up"


def _shadow_files(directory: Path) -> list[Path]:
    return list(directory.glob("*.rebuild_*"))
