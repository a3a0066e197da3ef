"""Peak memory of the evaluation service (a process of its own) holding a province and the nation.

The service's database is first filled, in this process, with what its facts projection would
have written after consuming the demo history (``chudong demo``'s generator, the projection's own
code): the org tree and every fact. Then ``python -m services.evaluation.main`` starts on it; on
start it marks every union for evaluation (a new day), and once none is left its peak resident set
(VmHWM) is read from /proc.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from chudong.demo import SCALES, Generator
from chudong.demo.generator import DemoEvent
from services.evaluation.adapters.facts_projection import FactsProjection
from services.evaluation.adapters.tables import dirty_units
from services.evaluation.migrations import SCHEMA
from shared.events import Envelope
from shared.migrations import migrate
from shared.store import Database

UNTIL = date(2026, 11, 27)


@dataclass(frozen=True)
class Footprint:
    peak_mib: float
    units: int
    facts: int
    seconds: float  # from start until every union was evaluated
    left: int  # unions still to evaluate when the time ran out (0: all done)


def _envelope(e: DemoEvent, position: int) -> Envelope:
    return Envelope.model_construct(
        event_id=uuid.uuid4(), type=e.payload.event_type, schema_version=e.payload.schema_version,
        service=e.service, stream_id=e.stream_id, stream_version=1, position=position, unit_path=e.unit_path,
        occurred_at=e.occurred_at, recorded_at=e.occurred_at, actor="demo", correlation_id="demo",
        payload=e.payload,
    )  # fmt: skip


async def fill(url: str, events: Iterable[DemoEvent], batch: int = 5000) -> tuple[int, int]:
    """Apply ``events`` with evaluation's facts projection into the database at ``url``: (units, facts)."""
    db = Database(url)
    await migrate(db, SCHEMA)  # at the release's schema, as the service expects it
    projection = FactsProjection()
    units = facts = 0
    pending: list[Envelope] = []

    async def flush() -> None:
        async with db.transaction() as conn:
            for envelope in pending:
                await projection.apply(conn, envelope)
            await projection.flush(conn)
        pending.clear()

    for i, event in enumerate(events):
        units += event.payload.event_type == "UnitRegistered"
        facts += event.payload.event_type != "UnitRegistered"
        pending.append(_envelope(event, i + 1))
        if len(pending) >= batch:
            await flush()
    await flush()
    await db.dispose()
    return units, facts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _dirty(url: str) -> int:
    db = Database(url)
    try:
        async with db.read() as conn:
            return int((await conn.execute(select(func.count()).select_from(dirty_units))).scalar_one())
    finally:
        await db.dispose()


async def serve_and_measure(
    url: str, nats_url: str, data: Path, timeout: float = 900
) -> tuple[float, float, int]:
    env = {
        **os.environ,
        "EVALUATION_DATABASE_URL": url,
        "EVALUATION_PORT": str(_free_port()),
        "NATS_URL": nats_url,
        "CHUDONG_DATA_DIR": str(data),
        "CHUDONG_LOG_FORMAT": "json",
    }
    started = time.perf_counter()
    log = (data / "evaluation.log").open("w")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.evaluation.main", env=env, stdout=log, stderr=log
    )
    try:
        await asyncio.sleep(3)
        left = await _dirty(url)
        while left and time.perf_counter() - started < timeout:
            if process.returncode is not None:
                raise RuntimeError(f"the evaluation service stopped: see {data / 'evaluation.log'}")
            await asyncio.sleep(1)
            left = await _dirty(url)
        return _peak_mib(process.pid), time.perf_counter() - started, left
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()
        log.close()


async def measure(events: Iterable[DemoEvent], nats_url: str, timeout: float = 900) -> Footprint:
    with tempfile.TemporaryDirectory(prefix="chudong-bench-footprint-") as tmp:
        data = Path(tmp)
        url = f"sqlite+aiosqlite:///{data / 'evaluation.db'}"
        units, facts = await fill(url, events)
        peak, seconds, left = await serve_and_measure(url, nats_url, data, timeout)
        return Footprint(peak, units, facts, seconds, left)


def province(scale: str, years: int) -> Generator:
    return Generator(SCALES[scale], years, 1, UNTIL)


def nation_tree_and_one_province(years: int) -> Iterable[DemoEvent]:
    """The nation's whole tree (34 provinces, ~30,000 unions, ~300,000 branches) and one province's history."""
    from chudong.demo.life import UnionLife

    nation = Generator(SCALES["nation"], years, 1, UNTIL)
    first = nation.provinces()[0][0]
    yield from nation.tree()
    for union in nation.unions():
        if union.path.split(".")[1] == first:
            yield from nation.union_history(union)
            continue
        life = UnionLife(nation, union)
        life.register()
        yield from (e for _, _, e in life.events)
