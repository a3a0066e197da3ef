"""Evaluation: the live facts projection against raw JetStream, the evaluator, and a nation's footprint.

``python -m bench.evaluation [--size tiny|standard] [--no-write]`` writes its own section of
docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
import tracemalloc
from datetime import UTC, date, datetime

from nats.js import JetStreamContext
from sqlalchemy import insert

import shared.contracts  # noqa: F401
from bench import report, transport
from bench.infra import nats, sqlite_url
from bench.relay import drain
from bench.timing import Figure
from chudong.audit.replay import Rebuild
from services.evaluation.adapters.facts_projection import FactsProjection
from services.evaluation.adapters.tables import metadata as evaluation_metadata
from services.evaluation.app.evaluator import ComplianceEvaluator
from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.settings import EvaluationSettings
from shared.bus.consumer import ProjectionConsumer
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.bus.streams import ensure_streams
from shared.bus.subjects import stream_name
from shared.clock import FixedClock
from shared.contracts.org import UnitLevel, UnitStatus, UnitType
from shared.contracts.planning import BranchMeetingHeld, MeetingKind
from shared.events import NewEvent
from shared.orgtree import OrgTreeProjection, org_units
from shared.store import Database, EventStore, StreamAppend

SIZES = {
    "tiny": {"events": 500, "raw": 500, "unions": 60, "branches": 10, "evaluated": 20, "repeats": 1},
    "standard": {
        "events": 20_000,
        "raw": 20_000,
        "unions": 30_000,
        "branches": 10,
        "evaluated": 500,
        "repeats": 2,
    },
}
REGISTERED = datetime(2025, 1, 1, tzinfo=UTC)


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _tree_rows(unions: int, branches: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"unit_id": "vn", "parent_id": None, "path": "vn", "level": UnitLevel.CENTRAL.value},
    ]
    for p in range(max(1, unions // 500)):
        rows.append(
            {"unit_id": f"p{p}", "parent_id": "vn", "path": f"vn.p{p}", "level": UnitLevel.PROVINCE.value}
        )
    for u in range(unions):
        province = f"p{u % max(1, unions // 500)}"
        path = f"vn.{province}.u{u}"
        rows.append(
            {"unit_id": f"u{u}", "parent_id": province, "path": path, "level": UnitLevel.GRASSROOTS.value}
        )
        for b in range(branches):
            rows.append({"unit_id": f"u{u}-{b}", "parent_id": f"u{u}", "path": f"{path}.u{u}-{b}",
                         "level": UnitLevel.BRANCH.value})  # fmt: skip
    for row in rows:
        row.update(name=str(row["unit_id"]), unit_type=UnitType.COMMUNE_WARD.value, status=UnitStatus.ACTIVE.value,
                   recognising_unit_id=None, registered_at=REGISTERED, closed_at=None)  # fmt: skip
    return rows


def _meetings(count: int, unions: int, branches: int) -> list[NewEvent]:
    out = []
    for i in range(count):
        u, b = (i // branches) % unions, i % branches
        month = 1 + (i // (unions * branches)) % 12
        held = date(2026, month, 1 + i % 28)
        payload = BranchMeetingHeld(meeting_id=f"mt{i}", branch_id=f"u{u}-{b}", held_on=held,
                                    kind=MeetingKind.PERIODIC, present_count=8, expected_count=10)  # fmt: skip
        out.append(NewEvent(f"meeting-{i}", payload, f"vn.p{u % max(1, unions // 500)}.u{u}.u{u}-{b}",
                            datetime(2026, month, 1, tzinfo=UTC)))  # fmt: skip
    return out


async def projection_rate(js: JetStreamContext, size: dict[str, int]) -> tuple[float, float, list[float]]:
    """Meetings relayed into PLANNING, then the facts projection catching up: events/s (median of runs)."""
    rates = []
    peak = 0.0
    for run in range(size["repeats"]):
        async with sqlite_url() as store_url, sqlite_url() as view_url:
            await js.delete_stream(stream_name("planning"))
            await ensure_streams(js, duplicate_window=120)
            store = EventStore(Database(store_url), "planning")
            await store.initialise()
            relay = Relay(store.db, js, "planning", keys=fixed_keys("planning"))
            await relay.reconcile()
            events = _meetings(size["events"], max(1, size["events"] // 120), size["branches"])
            for start in range(0, len(events), 1000):
                await store.append(
                    [StreamAppend(e.stream_id, [e]) for e in events[start : start + 1000]], actor="b"
                )
            await drain(relay)
            last = (await js.stream_info(stream_name("planning"))).state.last_seq
            view = Database(view_url)
            await view.create_all(evaluation_metadata, OrgTreeProjection.metadata)
            consumer = ProjectionConsumer(view, js, FactsProjection(), stream_name("planning"),
                                          service=f"bench{run}", keys=fixed_keys("evaluation"), batch_size=500)  # fmt: skip
            await consumer.start()
            began = time.perf_counter()
            await consumer.catch_up(last)
            rates.append(size["events"] / (time.perf_counter() - began))
            peak = max(peak, rss_mib())
            await store.db.dispose()
            await view.dispose()
    return statistics.median(rates), peak, rates


async def nation(size: dict[str, int]) -> tuple[float, float, float, float]:
    """A nation's tree in evaluation's database; evaluating a sample of its unions; the process's peak RSS."""
    async with sqlite_url() as url:
        db = Database(url)
        await db.create_all(evaluation_metadata, OrgTreeProjection.metadata)
        rows = _tree_rows(size["unions"], size["branches"])
        async with db.transaction() as conn:
            for start in range(0, len(rows), 5000):
                await conn.execute(insert(org_units), rows[start : start + 5000])
        store = EventStore(db, "evaluation")
        await store.initialise()
        evaluator = ComplianceEvaluator(db, store, RuleBook.load(), clock=FixedClock(datetime(2026, 10, 26, tzinfo=UTC)),
                                        batch=EvaluationSettings().evaluate_batch)  # fmt: skip
        from services.evaluation.adapters.tables import dirty_units
        from shared.store.upsert import upsert

        async with db.transaction() as conn:
            sample = [{"unit_id": f"u{u}"} for u in range(size["evaluated"])]
            await upsert(conn, dirty_units, sample, keys=["unit_id"])
        began = time.perf_counter()
        while await evaluator.run_once():
            pass
        rate = evaluator.evaluated / (time.perf_counter() - began)
        tree_rss = rss_mib()
        await db.dispose()
    # The replay keeps the tree and every fact in memory: measure what one fact costs.
    tracemalloc.start()
    rebuild = Rebuild()
    from shared.events import REGISTRY  # noqa: F401

    meetings = _meetings(2_000 if size["events"] < 10_000 else 20_000, 100, 10)
    from shared.events import Envelope

    for i, new in enumerate(meetings):
        rebuild.apply(Envelope.model_construct(
            event_id=new.event_id, type=new.payload.event_type, schema_version=1, service="planning",
            stream_id=new.stream_id, stream_version=1, position=i + 1, unit_path=new.unit_path,
            occurred_at=new.occurred_at, recorded_at=new.occurred_at, actor="b", correlation_id="c",
            payload=new.payload))  # fmt: skip
    per_fact = tracemalloc.get_traced_memory()[0] / len(rebuild.facts)
    tracemalloc.stop()
    return rate, tree_rss, per_fact, float(len(rows))


async def measure(size: dict[str, int]) -> tuple[list[Figure], list[str]]:
    figures: list[Figure] = []
    async with nats() as (_, js):
        _, fetch, _, fetch_runs = await transport.run(js, size["raw"], size["repeats"])
        figures.append(Figure("raw: pull consumer, fetch 500 + ack()", fetch, "msgs/s", fetch_runs))
        projected, _, runs = await projection_rate(js, size)
        figures.append(Figure("evaluation: facts projection (JetStream → SQLite, consumer base)", projected,
                              "events/s", runs, note=f"{size['events']:,} meetings"))  # fmt: skip
    rate, rss, per_fact, units = await nation(size)
    figures.append(Figure("evaluation: unions evaluated (25 indicators, facts read from SQLite)", rate, "unions/s",
                          [rate], note=f"{size['evaluated']:,} of {size['unions']:,} unions"))  # fmt: skip
    figures.append(Figure("evaluation: peak RSS with the nation's tree in its database", rss, "MiB", [rss],
                          note=f"{units:,.0f} units"))  # fmt: skip
    figures.append(Figure("replay: memory per fact held in a rebuild", per_fact, "bytes", [per_fact]))
    daily = size["unions"] / rate if rate else float("inf")
    notes = [
        "Ratios and estimates (same run):",
        f"- facts projection / raw fetch+ack: {projected / fetch:.0%}",
        f"- a full daily re-evaluation of {size['unions']:,} unions at this rate: {daily / 60:,.1f} minutes",
        f"- replay of a nation's year (10 million events ≈ 10 million facts): "
        f"≈ {per_fact * 10_000_000 / 2**30:,.1f} GiB in memory; replay a province with `--unit` instead",
        "- the live service keeps facts in its database and holds one fetched batch and one union at a time "
        "in memory, so its footprint does not grow with the nation",
        "- the peak RSS is the whole benchmark process's, including the tree's rows it builds to insert: "
        "an upper bound for the service",
    ]
    return figures, notes


def main() -> None:
    title = "Evaluation: facts projection, evaluator and a nation's footprint"
    report.cli("bench.evaluation", SIZES, lambda size: (title, *asyncio.run(measure(SIZES[size]))))


if __name__ == "__main__":
    main()
