"""The officers' dashboard: a province's overview page, served by the dashboard over evaluation's API.

Both services run in this process (their HTTP calls through ASGI transports, so no network is counted),
fed through a real JetStream with a province's tree (Bắc Giang's size: 320 unions, 16 branches each) and
three months of branch meetings. The times are the whole server side of a page: the dashboard, the API
calls it makes and evaluation answering them.

``python -m bench.dashboard [--size tiny|standard] [--no-write]``
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

import shared.contracts  # noqa: F401
from bench import report
from bench.infra import nats
from bench.relay import drain
from bench.timing import Figure, percentile
from services.dashboard.main import create_app as create_dashboard
from services.dashboard.settings import DashboardSettings
from services.evaluation.main import create_app as create_evaluation
from shared.auth import Role, mint_token
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.clock import FixedClock
from shared.contracts.membership import UnitRegistered
from shared.contracts.org import UnitLevel, UnitType
from shared.contracts.planning import BranchMeetingHeld, MeetingKind
from shared.events import NewEvent
from shared.settings import CommonSettings
from shared.store import Database, EventStore, StreamAppend

SIZES = {
    "tiny": {"unions": 20, "branches": 4, "districts": 2, "months": 2, "requests": 3},
    "standard": {"unions": 320, "branches": 16, "districts": 10, "months": 3, "requests": 10},
}
SECRET = "b" * 32
REGISTERED = datetime(2025, 1, 5, 1, 0, tzinfo=UTC)
TODAY = datetime(2026, 4, 15, 5, 0, tzinfo=UTC)


def _tree(size: dict[str, int]) -> list[NewEvent]:
    def unit(unit_id: str, parent: str | None, level: UnitLevel, path: str, name: str) -> NewEvent:
        payload = UnitRegistered(
            unit_id=unit_id, name=name, level=level, unit_type=UnitType.COMMUNE_WARD, parent_id=parent
        )
        return NewEvent(f"unit-{unit_id}", payload, path, REGISTERED)

    events = [
        unit("vn", None, UnitLevel.CENTRAL, "vn", "Trung ương Đoàn"),
        unit("bg", "vn", UnitLevel.PROVINCE, "vn.bg", "Tỉnh đoàn Bắc Giang"),
    ]
    for d in range(size["districts"]):
        events.append(unit(f"d{d}", "bg", UnitLevel.DISTRICT, f"vn.bg.d{d}", f"Huyện đoàn số {d + 1}"))
    for u in range(size["unions"]):
        district = f"d{u % size['districts']}"
        path = f"vn.bg.{district}.u{u}"
        events.append(unit(f"u{u}", district, UnitLevel.GRASSROOTS, path, f"Đoàn xã Phước Hưng {u + 1}"))
        for b in range(size["branches"]):
            events.append(
                unit(f"u{u}-{b}", f"u{u}", UnitLevel.BRANCH, f"{path}.u{u}-{b}", f"Chi đoàn {b + 1}")
            )
    return events


def _meetings(size: dict[str, int]) -> list[NewEvent]:
    events = []
    for u in range(size["unions"]):
        path = f"vn.bg.d{u % size['districts']}.u{u}"
        for b in range(size["branches"]):
            for month in range(1, size["months"] + 1):
                if (u + b + month) % 7 == 0:
                    continue  # some branches miss a month
                held = date(2026, month, 1 + (u + b) % 27)
                payload = BranchMeetingHeld(
                    meeting_id=f"mt-{u}-{b}-{month}",
                    branch_id=f"u{u}-{b}",
                    held_on=held,
                    kind=MeetingKind.PERIODIC,
                    present_count=8,
                    expected_count=10,
                )
                at = datetime(2026, month, held.day, 12, tzinfo=UTC)
                events.append(NewEvent(f"meeting-{u}-{b}-{month}", payload, f"{path}.u{u}-{b}", at))
    return events


async def _publish(js: object, directory: Path, service: str, events: list[NewEvent]) -> None:
    store = EventStore(Database(f"sqlite+aiosqlite:///{directory / f'{service}.db'}"), service)
    await store.initialise()
    relay = Relay(store.db, js, service, keys=fixed_keys(service))  # type: ignore[arg-type]
    await relay.reconcile()
    for start in range(0, len(events), 1000):
        chunk = events[start : start + 1000]
        await store.append([StreamAppend(e.stream_id, [e]) for e in chunk], actor="bench")
    await drain(relay)
    await store.db.dispose()


async def _timed(call: Callable[[], Awaitable[httpx.Response]], repeats: int) -> tuple[list[float], int]:
    times, size = [], 0
    for _ in range(repeats):
        began = time.perf_counter()
        answer = await call()
        times.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, answer.text[:500]
        size = len(answer.content)
    return times, size


async def measure(size: dict[str, int]) -> tuple[list[Figure], list[str]]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="chudong-bench-dashboard-") as tmp:
        directory = Path(tmp)
        async with nats() as (url, js):
            os.environ["EVALUATION_DATABASE_URL"] = f"sqlite+aiosqlite:///{directory / 'evaluation.db'}"
            os.environ["DASHBOARD_DATABASE_URL"] = f"sqlite+aiosqlite:///{directory / 'dashboard.db'}"
            common = CommonSettings(data_dir=directory, nats_url=url, jwt_secret=SECRET)
            evaluation = create_evaluation(common, clock=FixedClock(TODAY))
            dashboard = create_dashboard(
                common,
                settings=DashboardSettings(evaluation_url="http://ev", notifications_url="http://nt"),
                transport=httpx.ASGITransport(app=evaluation),
            )
            token = mint_token(SECRET, subject="bench", role=Role.PROVINCE_OFFICER, unit_id="bg")
            headers = {"Authorization": f"Bearer {token}", "Accept": "text/html"}
            async with (
                evaluation.router.lifespan_context(evaluation),
                dashboard.router.lifespan_context(dashboard),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=dashboard), base_url="http://dash", timeout=600
                ) as client,
                httpx.AsyncClient(transport=httpx.ASGITransport(app=evaluation), base_url="http://ev") as ev,
            ):
                tree, meetings = _tree(size), _meetings(size)
                await _publish(js, directory, "membership", tree)
                await _publish(js, directory, "planning", meetings)
                began = time.perf_counter()
                await _settled(ev, dashboard, headers, size["unions"])
                settle = time.perf_counter() - began
                runs, weight = await _timed(
                    lambda: client.get("/units/bg", headers=headers), size["requests"]
                )
                figures.append(_ms("dashboard: province overview page", runs, f"{size['unions']} unions"))
                figures.append(Figure("dashboard: weight of that page", weight / 1024, "KB", [weight / 1024]))
                runs, _ = await _timed(
                    lambda: client.get("/units/bg", params={"as_of": "2026-02-28"}, headers=headers),
                    max(1, size["requests"] // 3),
                )
                figures.append(_ms("dashboard: province overview as of a past day (replayed)", runs))
                runs, _ = await _timed(
                    lambda: client.get("/units/bg/trend.svg", headers=headers), max(1, size["requests"] // 3)
                )
                figures.append(_ms("dashboard: province trend chart (4 month ends replayed)", runs))
                runs, weight = await _timed(
                    lambda: client.get("/units/u1", headers=headers), size["requests"]
                )
                figures.append(
                    _ms("dashboard: one union's compliance page", runs, f"{weight / 1024:,.0f} KB")
                )
                runs, _ = await _timed(lambda: client.get("/units/bg/export.xlsx", headers=headers), 2)
                figures.append(_ms("dashboard: province overview exported to xlsx", runs))
                runs, _ = await _timed(lambda: client.get("/units/bg/export.pdf", headers=headers), 2)
                figures.append(_ms("dashboard: province overview exported to PDF", runs))
    units = len(tree)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    notes = [
        f"Load average when done: {load} (the machine is shared; the figures include that contention).",
        f"Set-up: {units:,} units and {len(meetings):,} meetings relayed and evaluated in {settle:,.1f} s; "
        "times are medians of the runs (p95 in the runs column), whole server side, no network.",
    ]
    return figures, notes


def _ms(name: str, runs: list[float], note: str = "") -> Figure:
    return Figure(
        name, statistics.median(runs), "ms", runs, note=note or f"p95 {percentile(runs, 95):,.0f} ms"
    )


async def _settled(
    evaluation: httpx.AsyncClient, dashboard: object, headers: dict[str, str], unions: int
) -> None:
    """Until evaluation has evaluated every union and the dashboard's org tree has the last of them."""
    directory = dashboard.state.runtime.directory  # type: ignore[attr-defined]
    async with asyncio.timeout(1800):
        while True:
            answer = await evaluation.get("/units/bg/unions", params={"limit": 1000}, headers=headers)
            items = answer.json().get("items", []) if answer.status_code == 200 else []
            evaluated = sum(1 for i in items if i["evaluated_on"])
            if evaluated == unions and await directory.get(f"u{unions - 1}") is not None:
                return
            await asyncio.sleep(0.5)


def main() -> None:
    title = "Dashboard: a province's pages"
    report.cli("bench.dashboard", SIZES, lambda size: (title, *asyncio.run(measure(SIZES[size]))))


if __name__ == "__main__":
    main()
