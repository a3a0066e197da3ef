"""End-to-end lag: an event committed in planning's store → the union's compliance updated in evaluation.

Two processes, as deployed: planning's side (``bench.lag_writer``: its event store on SQLite and its
relay to JetStream, recording meetings at a fixed offered rate, each its own command) and
evaluation's side here (the facts projection on the consumer base and the compliance evaluator,
sharing the projection's lock as in ``services.evaluation.main``). An event's lag ends when an
evaluation of its union that began after the event was applied has committed; both processes read
``time.monotonic``, one clock for the machine.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from nats.js import JetStreamContext
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bench.infra import sqlite_url
from bench.lag_writer import BRANCHES
from bench.timing import Figure, percentile
from services.evaluation.adapters.facts_projection import FactsProjection
from services.evaluation.adapters.tables import metadata as evaluation_metadata
from services.evaluation.app.evaluator import ComplianceEvaluator
from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.settings import EvaluationSettings
from shared.bus.consumer import ProjectionConsumer
from shared.bus.keys import fixed_keys
from shared.bus.streams import ensure_streams
from shared.bus.subjects import stream_name
from shared.clock import FixedClock
from shared.contracts.org import UnitLevel, UnitStatus, UnitType
from shared.contracts.planning import BranchMeetingHeld
from shared.events import Envelope
from shared.orgtree import OrgTreeProjection, org_units
from shared.store import Database, EventStore

REGISTERED = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass
class Clocks:
    """When each event was applied to the facts, and when an evaluation of its union that began after
    that committed (``time.monotonic``: the writer's process reads the same clock)."""

    applied: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    in_facts: dict[int, float] = field(default_factory=dict)
    evaluated: dict[int, float] = field(default_factory=dict)


def _tree(unions: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [{"unit_id": "vn", "parent_id": None, "path": "vn", "level": "central"}]
    rows.append({"unit_id": "p0", "parent_id": "vn", "path": "vn.p0", "level": UnitLevel.PROVINCE.value})
    for u in range(unions):
        rows.append({"unit_id": f"u{u}", "parent_id": "p0", "path": f"vn.p0.u{u}", "level": "grassroots"})
        for b in range(BRANCHES):
            rows.append(
                {
                    "unit_id": f"u{u}-{b}",
                    "parent_id": f"u{u}",
                    "path": f"vn.p0.u{u}.u{u}-{b}",
                    "level": "branch",
                }
            )
    for row in rows:
        row.update(
            name=str(row["unit_id"]),
            unit_type=UnitType.COMMUNE_WARD.value,
            status=UnitStatus.ACTIVE.value,
            recognising_unit_id=None,
            registered_at=REGISTERED,
            closed_at=None,
        )
    return rows


class _TimedFacts(FactsProjection):
    def __init__(self, clocks: Clocks, wake: asyncio.Event) -> None:
        super().__init__(wake)
        self.clocks = clocks

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        await super().apply(conn, event)
        if isinstance(event.payload, BranchMeetingHeld):
            index = int(event.payload.meeting_id.removeprefix("lag-"))
            union = event.unit_path.split(".")[2]
            self.clocks.applied[union].append((index, time.monotonic()))


class _TimedEvaluator(ComplianceEvaluator):
    def __init__(self, clocks: Clocks, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.clocks = clocks
        self._started: list[tuple[str, float]] = []

    async def _evaluate(self, conn: AsyncConnection, union_ids: Sequence[str]) -> int:
        now = time.monotonic()
        self._started += [(u, now) for u in union_ids]
        return await super()._evaluate(conn, union_ids)

    async def run_once(self) -> int:
        self._started = []
        taken = await super().run_once()
        done = time.monotonic()  # committed: the transaction closed inside run_once
        for union, began in self._started:
            waiting = self.clocks.applied.get(union, [])
            self.clocks.applied[union] = [(i, t) for i, t in waiting if t > began]
            for i, t in waiting:
                if t <= began:
                    self.clocks.in_facts[i], self.clocks.evaluated[i] = t, done
        return taken


async def run_at(
    url: str, js: JetStreamContext, rate: int, seconds: float, fetch_timeout: float = 1.0, unions: int = 200
) -> tuple[float, float, int, float, float]:
    """Offer ``rate`` events/s for ``seconds``: (p50 ms, p99 ms, events measured, rate achieved, and the
    p99 of the part from commit to the facts projection, before the evaluator)."""
    clocks = Clocks()
    count = int(rate * seconds)
    await js.delete_stream(stream_name("planning"))  # each rate starts a history of its own
    await ensure_streams(js, duplicate_window=120)
    async with sqlite_url() as store_url, sqlite_url() as view_url:
        view = Database(view_url)
        await view.create_all(evaluation_metadata, OrgTreeProjection.metadata)
        async with view.transaction() as conn:
            await conn.execute(insert(org_units), _tree(unions))
        lock, wake = asyncio.Lock(), asyncio.Event()
        consumer = ProjectionConsumer(view, js, _TimedFacts(clocks, wake), stream_name("planning"),
                                      service=f"lag{rate}", keys=fixed_keys("evaluation"), lock=lock, fetch_timeout=fetch_timeout)  # fmt: skip
        await consumer.start()
        clock = FixedClock(datetime(2026, 10, 26, 3, tzinfo=UTC))
        evaluator = _TimedEvaluator(clocks, view, EventStore(view, "evaluation"), RuleBook.load(),
                                    clock=clock, lock=lock, wake=wake, batch=EvaluationSettings().evaluate_batch)  # fmt: skip
        await evaluator.store.initialise()
        await evaluator.mark_all()
        await evaluator.tick()  # the day's first full evaluation, before the clock starts
        tasks = [asyncio.create_task(t()) for t in (consumer.run, evaluator.run)]
        writer = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.lag_writer", "--store", store_url, "--nats", url, "--rate", str(rate),
            "--count", str(count), "--unions", str(unions), stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, _ = await writer.communicate()
        assert writer.returncode == 0, "the lag benchmark's writer failed"
        written = json.loads(out.decode().strip().splitlines()[-1])
        deadline = time.monotonic() + 60
        while len(clocks.evaluated) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await consumer.close()
        await view.dispose()
    committed: list[float] = written["committed"]
    ms = [(done - committed[i]) * 1000 for i, done in clocks.evaluated.items()]
    to_facts = [(t - committed[i]) * 1000 for i, t in clocks.in_facts.items()]
    return (
        percentile(ms, 50),
        percentile(ms, 99),
        len(ms),
        float(written["achieved"]),
        percentile(to_facts, 99),
    )


async def run(
    url: str, js: JetStreamContext, rates: Sequence[int], seconds: float, unions: int = 200
) -> list[Figure]:
    """Lag at each offered rate with the services' consumer settings (fetch 500, 1 s expiry), and at
    the highest rate again with a 50 ms expiry: how much of the lag is the pull's wait for a full batch."""
    figures = []
    for rate, expiry in [*((r, 1.0) for r in rates), (max(rates), 0.05)]:
        p50, p99, measured, achieved, to_facts = await run_at(
            url, js, rate, seconds, fetch_timeout=expiry, unions=unions
        )
        label = f"at {rate:,} events/s" + ("" if expiry == 1.0 else ", fetch expiry 50 ms")
        note = f"{measured:,} events, one per command, {achieved:,.0f}/s achieved, {unions:,} unions"
        figures.append(Figure(f"end-to-end lag p50 {label}", p50, "ms", [p50], note=note))
        figures.append(Figure(f"end-to-end lag p99 {label}", p99, "ms", [p99], note=note))
        figures.append(Figure(f"of which committed → in the facts, p99, {label}", to_facts, "ms", [to_facts]))
    return figures
