"""End-to-end lag: an event committed in planning's store → the union's compliance updated in evaluation.

The pipeline is the services' own parts in one process: planning's event store (SQLite), its
relay to JetStream, evaluation's facts projection on the consumer base, and the compliance
evaluator, sharing the projection's lock as in ``services.evaluation.main``. Meetings are
sent as its own command when it is due, whether or not earlier ones have committed (concurrent ones
share a commit: the store's group commit); an event's lag ends when an evaluation of
its union that began after the event was applied has committed.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from nats.js import JetStreamContext
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bench.infra import sqlite_url
from bench.timing import Figure, percentile
from services.evaluation.adapters.facts_projection import FactsProjection
from services.evaluation.adapters.tables import metadata as evaluation_metadata
from services.evaluation.app.evaluator import ComplianceEvaluator
from services.evaluation.domain.rulebook import RuleBook
from shared.bus.consumer import ProjectionConsumer
from shared.bus.relay import Relay
from shared.bus.streams import ensure_streams
from shared.bus.subjects import stream_name
from shared.clock import FixedClock
from shared.contracts.org import UnitLevel, UnitStatus, UnitType
from shared.contracts.planning import BranchMeetingHeld, MeetingKind
from shared.events import Envelope, NewEvent
from shared.orgtree import OrgTreeProjection, org_units
from shared.store import Database, EventStore, StreamAppend

REGISTERED = datetime(2025, 1, 1, tzinfo=UTC)
BRANCHES = 10


@dataclass
class Clocks:
    """When each event was committed and applied, and the lag of each one evaluated since."""

    committed: dict[int, float] = field(default_factory=dict)
    applied: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    lags: list[float] = field(default_factory=list)
    to_facts: list[float] = field(
        default_factory=list
    )  # committed → applied to the facts, of the same events


def _branch(i: int, unions: int) -> tuple[str, str]:
    u, b = i % unions, (i // unions) % BRANCHES
    return f"u{u}", f"u{u}-{b}"


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
            self.clocks.applied[union].append((index, time.perf_counter()))


class _TimedEvaluator(ComplianceEvaluator):
    def __init__(self, clocks: Clocks, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.clocks = clocks
        self._started: list[tuple[str, float]] = []

    async def _evaluate(self, conn: AsyncConnection, union_ids: Sequence[str]) -> int:
        now = time.perf_counter()
        self._started += [(u, now) for u in union_ids]
        return await super()._evaluate(conn, union_ids)

    async def run_once(self) -> int:
        self._started = []
        taken = await super().run_once()
        done = time.perf_counter()  # committed: the transaction closed inside run_once
        for union, began in self._started:
            waiting = self.clocks.applied.get(union, [])
            finished = [(i, t) for i, t in waiting if t <= began]
            self.clocks.applied[union] = [(i, t) for i, t in waiting if t > began]
            self.clocks.lags += [done - self.clocks.committed[i] for i, _ in finished]
            self.clocks.to_facts += [t - self.clocks.committed[i] for i, t in finished]
        return taken


async def run_at(
    js: JetStreamContext, rate: int, seconds: float, fetch_timeout: float = 1.0, unions: int = 200
) -> tuple[float, float, int, float, float]:
    """Offer ``rate`` events/s for ``seconds``: (p50 ms, p99 ms, events measured, rate achieved, and the
    p99 of the part from commit to the facts projection, before the evaluator)."""
    clocks = Clocks()
    count = int(rate * seconds)
    await js.delete_stream(stream_name("planning"))  # each rate starts a history of its own
    await ensure_streams(js, duplicate_window=120)
    async with sqlite_url() as store_url, sqlite_url() as view_url:
        store = EventStore(Database(store_url), "planning")
        await store.initialise()
        view = Database(view_url)
        await view.create_all(evaluation_metadata, OrgTreeProjection.metadata)
        async with view.transaction() as conn:
            await conn.execute(insert(org_units), _tree(unions))
        lock, wake = asyncio.Lock(), asyncio.Event()
        relay = Relay(store.db, js, "planning", wake=store.appended)
        await relay.reconcile()
        name = f"lag{rate}"
        consumer = ProjectionConsumer(
            view,
            js,
            _TimedFacts(clocks, wake),
            stream_name("planning"),
            service=name,
            lock=lock,
            fetch_timeout=fetch_timeout,
        )
        await consumer.start()
        clock = FixedClock(datetime(2026, 10, 26, 3, tzinfo=UTC))
        evaluator = _TimedEvaluator(clocks, view, EventStore(view, "evaluation"), RuleBook.load(),
                                    clock=clock, lock=lock, wake=wake, batch=200)  # fmt: skip
        await evaluator.store.initialise()
        await evaluator.mark_all()
        await evaluator.tick()  # the day's first full evaluation, before the clock starts
        tasks = [asyncio.create_task(t()) for t in (relay.run, consumer.run, evaluator.run)]

        async def record(i: int) -> None:
            union, branch = _branch(i, unions)
            payload = BranchMeetingHeld(meeting_id=f"lag-{i}", branch_id=branch, held_on=date(2026, 10, 1 + i % 25),
                                        kind=MeetingKind.PERIODIC, present_count=8, expected_count=10)  # fmt: skip
            new = NewEvent(
                f"meeting-lag-{i}", payload, f"vn.p0.{union}.{branch}", datetime(2026, 10, 1, tzinfo=UTC)
            )
            await store.append(StreamAppend(new.stream_id, [new]), actor="bench")
            clocks.committed[i] = time.perf_counter()

        # Each event is its own command, sent when it is due whether or not earlier ones have
        # committed (as many users would): the store's group commit gathers those in flight.
        began = time.perf_counter()
        writes: list[asyncio.Task[None]] = []
        for i in range(count):
            delay = began + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            writes.append(asyncio.create_task(record(i)))
        await asyncio.gather(*writes)
        achieved = count / (time.perf_counter() - began)
        deadline = time.perf_counter() + 60
        while len(clocks.lags) < count and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await consumer.close()
        await store.db.dispose()
        await view.dispose()
    ms = [lag * 1000 for lag in clocks.lags]
    to_facts = [lag * 1000 for lag in clocks.to_facts]
    return percentile(ms, 50), percentile(ms, 99), len(ms), achieved, percentile(to_facts, 99)


async def run(js: JetStreamContext, rates: Sequence[int], seconds: float, unions: int = 200) -> list[Figure]:
    """Lag at each offered rate with the services' consumer settings (fetch 500, 1 s expiry), and at
    the highest rate again with a 50 ms expiry: how much of the lag is the pull's wait for a full batch."""
    figures = []
    for rate, expiry in [*((r, 1.0) for r in rates), (max(rates), 0.05)]:
        p50, p99, measured, achieved, to_facts = await run_at(
            js, rate, seconds, fetch_timeout=expiry, unions=unions
        )
        label = f"at {rate:,} events/s" + ("" if expiry == 1.0 else ", fetch expiry 50 ms")
        note = f"{measured:,} events, one per command, {achieved:,.0f}/s achieved, {unions:,} unions"
        figures.append(Figure(f"end-to-end lag p50 {label}", p50, "ms", [p50], note=note))
        figures.append(Figure(f"end-to-end lag p99 {label}", p99, "ms", [p99], note=note))
        figures.append(Figure(f"of which committed → in the facts, p99, {label}", to_facts, "ms", [to_facts]))
    return figures
