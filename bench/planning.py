"""``python -m bench.planning``: planning's commands and queries over HTTP, against a store append.

A grassroots union with ``branches`` branches of 20 members each is relayed from a
membership store into planning's copies; then branch meetings are recorded through
the HTTP API (in process, one after another and many at once), and the monthly
meetings query is timed. The raw figure of the same run, one event appended per
transaction straight to a store, is the floor the commands are compared with.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

import shared.contracts  # noqa: F401
from bench import report
from bench.infra import nats, postgres_url
from bench.timing import Figure, percentile
from services.planning.adapters.members import branch_members
from services.planning.main import create_app
from shared.auth import Role, mint_token
from shared.bus.keys import deployment_keys, fixed_keys, fixed_masters
from shared.bus.relay import Relay
from shared.clock import FixedClock, start_of_day
from shared.contracts.membership import MemberJoined, UnitRegistered
from shared.contracts.org import UnitLevel, UnitType
from shared.contracts.planning import InspectionHeld, InspectionKind
from shared.events import NewEvent
from shared.settings import CommonSettings
from shared.store import Database, EventStore, StreamAppend

SECRET = "b" * 32
TITLE = "Planning: branch meetings over HTTP and the monthly meetings query"


@dataclass(frozen=True)
class Size:
    branches: int
    sequential: int
    concurrent: int
    in_flight: int
    queries: int


SIZES = {
    "tiny": Size(branches=3, sequential=10, concurrent=20, in_flight=10, queries=3),
    "standard": Size(branches=30, sequential=300, concurrent=600, in_flight=50, queries=50),
}


async def seed_membership(store: EventStore, branches: int) -> int:
    """The tree down to ``branches`` branches of 20 members; returns the number of members."""
    at = datetime(2026, 1, 5, tzinfo=UTC)
    founded = date(2025, 1, 1)  # before every meeting the bench records, as membership dates a registration
    tree = [("vn", None, "vn", UnitLevel.CENTRAL), ("bg", "vn", "vn.bg", UnitLevel.PROVINCE)]
    tree += [
        ("bg-pl", "bg", "vn.bg.bg-pl", UnitLevel.DISTRICT),
        ("pl-x", "bg-pl", "vn.bg.bg-pl.pl-x", UnitLevel.GRASSROOTS),
    ]
    tree += [(f"cd-{b}", "pl-x", f"vn.bg.bg-pl.pl-x.cd-{b}", UnitLevel.BRANCH) for b in range(branches)]
    appends = [
        StreamAppend(
            f"unit-{unit_id}",
            [
                NewEvent(
                    f"unit-{unit_id}",
                    UnitRegistered(
                        unit_id=unit_id,
                        name=unit_id,
                        level=level,
                        unit_type=UnitType.COMMUNE_WARD,
                        parent_id=parent,
                        established_on=founded,
                    ),
                    path,
                    start_of_day(founded),
                )
            ],
        )
        for unit_id, parent, path, level in tree
    ]
    for b in range(branches):
        for m in range(20):
            member = MemberJoined(
                member_id=f"m-{b}-{m}",
                branch_id=f"cd-{b}",
                joined_on=date(2025, 1, 1),
                admission_decision_ref="QĐ",
            )
            appends.append(
                StreamAppend(
                    f"member-m-{b}-{m}",
                    [NewEvent(f"member-m-{b}-{m}", member, f"vn.bg.bg-pl.pl-x.cd-{b}", at)],
                )
            )
    await store.append(appends, actor="bench")
    return branches * 20


@contextlib.asynccontextmanager
async def planning_service(
    nats_url: str, js: object, database_url: str, size: Size
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    with tempfile.TemporaryDirectory(prefix="chudong-bench-planning-") as data:
        membership_db = Database(f"sqlite+aiosqlite:///{Path(data) / 'membership.db'}")
        store = EventStore(membership_db, "membership")
        await store.initialise()
        members = await seed_membership(store, size.branches)
        relay = Relay(membership_db, js, "membership", keys=fixed_keys("membership"))  # type: ignore[arg-type]
        await relay.reconcile()
        while await relay.publish_pending():
            pass
        os.environ["PLANNING_DATABASE_URL"] = database_url
        # Planning checks membership's seals with the keys the relay above sealed them with.
        os.environ.update(deployment_keys(fixed_masters()))
        os.environ["PLANNING_EVIDENCE_DIR"] = str(Path(data) / "evidence")
        app = create_app(
            CommonSettings(data_dir=Path(data), nats_url=nats_url, jwt_secret=SECRET, log_level="WARNING"),
            clock=FixedClock(datetime(2026, 12, 31, 3, tzinfo=UTC)),
        )
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://planning") as client,
        ):
            async with asyncio.timeout(120):
                while True:
                    async with app.state.runtime.db.read() as conn:
                        known = (
                            await conn.execute(select(func.count()).select_from(branch_members))
                        ).scalar_one()
                    if known >= members:
                        break
                    await asyncio.sleep(0.05)
            yield client, app
        await membership_db.dispose()


def meeting(i: int, branches: int) -> tuple[str, dict[str, object]]:
    branch = i % branches
    day = date(2026, 1, 1) + timedelta(days=i % 360)
    attendees = [f"m-{branch}-{m}" for m in range(15)]
    return f"/branches/cd-{branch}/meetings", {
        "held_on": day.isoformat(),
        "kind": "periodic",
        "attendees": attendees,
    }


async def measure(database_url: str, backend: str, size: Size) -> list[Figure]:
    headers = {
        "Authorization": f"Bearer {mint_token(SECRET, subject='bench', role=Role.UNION_SECRETARY, unit_id='pl-x')}"
    }
    figures: list[Figure] = []
    async with nats() as (url, js), planning_service(url, js, database_url, size) as (client, app):
        latencies: list[float] = []
        start = time.perf_counter()
        for i in range(size.sequential):
            path, body = meeting(i, size.branches)
            t = time.perf_counter()
            answer = await client.post(path, json=body, headers=headers)
            latencies.append((time.perf_counter() - t) * 1000)
            assert answer.status_code == 201, answer.text
        elapsed = time.perf_counter() - start
        figures.append(
            Figure(
                f"meetings recorded over HTTP, one at a time ({backend})",
                size.sequential / elapsed,
                "commands/s",
                [size.sequential / elapsed],
            )
        )
        figures.append(
            Figure(
                f"meeting command latency p50 / p95 ({backend})",
                statistics.median(latencies),
                "ms",
                [percentile(latencies, 50), percentile(latencies, 95)],
            )
        )

        gate = asyncio.Semaphore(size.in_flight)

        async def one(i: int) -> None:
            path, body = meeting(i, size.branches)
            async with gate:
                answer = await client.post(path, json=body, headers=headers)
            assert answer.status_code == 201, answer.text

        start = time.perf_counter()
        await asyncio.gather(*(one(size.sequential + i) for i in range(size.concurrent)))
        elapsed = time.perf_counter() - start
        figures.append(
            Figure(
                f"meetings recorded over HTTP, {size.in_flight} in flight ({backend})",
                size.concurrent / elapsed,
                "commands/s",
                [size.concurrent / elapsed],
            )
        )

        query_ms: list[float] = []
        for _ in range(size.queries):
            t = time.perf_counter()
            answer = await client.get("/units/pl-x/meetings?year=2026", headers=headers)
            query_ms.append((time.perf_counter() - t) * 1000)
            assert answer.status_code == 200, answer.text
        recorded = size.sequential + size.concurrent
        figures.append(
            Figure(
                f"meetings per branch per month for a year, {size.branches} branches, {recorded:,} meetings ({backend})",
                statistics.median(query_ms),
                "ms p50",
                [percentile(query_ms, 50), percentile(query_ms, 95)],
            )
        )
        store: EventStore = app.state.runtime.store
        raw_count = size.sequential
        start = time.perf_counter()
        for i in range(raw_count):
            event = InspectionHeld(unit_id="pl-x", kind=InspectionKind.INSPECTION, held_on=date(2026, 3, 1))
            new = NewEvent(f"raw-{i}", event, "vn.bg.bg-pl.pl-x", datetime(2026, 3, 1, tzinfo=UTC))
            await store.append(StreamAppend(f"raw-{i}", [new], 0), actor="bench")
        elapsed = time.perf_counter() - start
        figures.append(
            Figure(
                f"raw: store append, one event per transaction, with planning's read models ({backend})",
                raw_count / elapsed,
                "events/s",
                [raw_count / elapsed],
            )
        )
    return figures


async def run(size: Size) -> tuple[list[Figure], list[str]]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="chudong-bench-") as data:
        figures += await measure(f"sqlite+aiosqlite:///{Path(data) / 'planning.db'}", "SQLite", size)
    async with postgres_url() as pg:
        if pg is not None:
            figures += await measure(pg, "PostgreSQL", size)
    load = os.getloadavg()
    notes = [
        f"Load average at the end of the run: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) "
        "on a machine whose cores are shared: the ratios to the raw append matter more than the rates.",
        "",
        "Ratios (same run):",
    ]
    for backend in ("SQLite", "PostgreSQL"):
        http = next(
            (f.value for f in figures if f.name == f"meetings recorded over HTTP, one at a time ({backend})"),
            None,
        )
        raw = next((f.value for f in figures if f.name.startswith("raw:") and backend in f.name), None)
        if http and raw:
            notes.append(f"- {backend}: one meeting over HTTP / one raw append = {http / raw:.0%}")
    return figures, notes


def main() -> None:
    report.cli("bench.planning", SIZES, lambda size: (TITLE, *asyncio.run(run(SIZES[size]))))


if __name__ == "__main__":
    main()
