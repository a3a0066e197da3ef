"""Evaluation at scale: end-to-end lag, a full rebuild, a union's replay, and the service's memory
holding a province and the nation (the parts of ``python -m bench`` that use the demo history)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import shared.contracts  # noqa: F401
from bench import evaluation, footprint, lag, rebuild, replay, report, targets, transport
from bench.infra import nats
from bench.profile import Profile
from bench.seals import SEAL_COST, UNSEALED, seal_cost
from bench.timing import Figure
from chudong.demo import SCALES, Generator


@dataclass(frozen=True)
class ScaleSize:
    lag_rates: tuple[int, ...]
    lag_seconds: float
    lag_unions: int
    rebuild_scale: str
    rebuild_years: int
    replay_years: int
    repeats: int
    province_scale: str
    nation: bool
    nation_seconds: float = 600


SIZES = {
    "tiny": ScaleSize((100,), 1.0, 10, "unit", 1, 5, 1, "unit", False),
    "standard": ScaleSize((100, 1000), 3.0, 50, "district", 1, 5, 3, "province", False),
    # The nation's footprint only: the whole tree and one province's history (long: a section of its own).
    "nation": ScaleSize((), 0, 0, "", 0, 0, 1, "", True, 1800),
}


async def measure_nation(size: ScaleSize) -> list[Figure]:
    """The evaluation service's peak memory holding the nation's tree and one province's history."""
    async with nats() as (url, _):
        held = await footprint.measure(
            footprint.nation_tree_and_one_province(1), url, timeout=size.nation_seconds
        )
    done = (
        f"every union evaluated in {held.seconds:,.0f} s"
        if not held.left
        else f"after {held.seconds:,.0f} s with {held.left:,} units still to evaluate"
    )
    return [Figure("evaluation service peak RSS holding the nation", held.peak_mib, "MiB", [held.peak_mib],
                   note=f"{held.units:,} units, one province's {held.facts:,} facts, {done}")]  # fmt: skip


async def measure(size: ScaleSize) -> tuple[list[Figure], list[str]]:
    if size.nation:
        return await measure_nation(size), []
    figures: list[Figure] = []
    notes: list[str] = []
    name = "tiny" if size == SIZES["tiny"] else "standard"
    async with nats() as (url, js):
        raw = evaluation.SIZES[name]
        _, fetch, _, fetch_runs = await transport.run(js, raw["raw"], raw["repeats"])
        figures.append(Figure(targets.FETCH, fetch, "msgs/s", fetch_runs))
        live, _, live_runs = await evaluation.projection_rate(js, raw)
        figures.append(Figure(targets.LIVE, live, "events/s", live_runs, note=f"{raw['events']:,} meetings"))
        figures += await lag.run(url, js, size.lag_rates, size.lag_seconds, size.lag_unions)
        profile = Profile()
        history = Generator(SCALES[size.rebuild_scale], size.rebuild_years, 1, footprint.UNTIL).events()
        rate, events = await rebuild.run(js, history, profile=profile)
        note = f"{events:,} events: the {size.rebuild_scale} demo, {size.rebuild_years} years"
        figures.append(Figure(REBUILD, rate, "events/s", [rate], note=note))
        # The cost of seals, from a pair of runs without the profiler (it slows small calls most).
        rates = {}
        for sealed in (False, True):
            history = Generator(SCALES[size.rebuild_scale], size.rebuild_years, 1, footprint.UNTIL).events()
            rates[sealed], _ = await rebuild.run(js, history, sealed=sealed)
        figures.append(Figure(REBUILD + ", not profiled", rates[True], "events/s", [rates[True]], note=note))
        figures.append(Figure(UNSEALED + REBUILD + ", not profiled", rates[False], "events/s", [rates[False]],
                              note=note))  # fmt: skip
        notes.append(seal_cost("rebuild (evaluation's facts projection)", rates[True], rates[False]))
        notes.append(f"- rebuild profile (own time): {profile.summary()}")
        notes.append(f"- rebuild, per event: {per_event(profile, events / rate, events)}")
        replay_profile = Profile()
        ms, runs, replayed = await replay.run(js, url, size.replay_years, size.repeats, replay_profile)
        notes.append(f"- replay profile (own time, last run): {replay_profile.summary()}")
        figures.append(Figure(f"chudong replay of one union's {size.replay_years}-year history", ms, "ms", runs,
                              note=f"{replayed:,} events"))  # fmt: skip
        held = await footprint.measure(footprint.province(size.province_scale, 1).events(), url)
        figures.append(Figure(f"evaluation service peak RSS holding a {size.province_scale}", held.peak_mib, "MiB",
                              [held.peak_mib], note=f"{held.units:,} units, {held.facts:,} facts, "
                              f"every union evaluated in {held.seconds:,.0f} s"))  # fmt: skip
    return figures, notes


REBUILD = "evaluation: full rebuild from history (facts projection, SQLite)"

# Where a rebuild's time goes, as functions that do not call each other.
PHASES: dict[str, tuple[str, ...]] = {
    "reading from NATS (nats-py: protocol, headers, delivery)": ("nats/aio/client.py:_read_loop",
                                                                 "nats/aio/subscription.py:_wait_for_msgs"),
    "decoding the event (pydantic)": ("shared/bus/consumer.py:decode_message",),
    "turning it into facts": ("services/evaluation/domain/facts.py:facts_of",),
    "SQL statements (SQLAlchemy, Python side)": ("sqlalchemy/util/concurrency.py:greenlet_spawn",),
}  # fmt: skip


def per_event(profile: Profile, seconds: float, events: int) -> str:
    """Microseconds per event in each phase of the profiled run."""
    shares = profile.breakdown(PHASES)
    micro = seconds * 1e6 / max(events, 1)
    labels = {
        "waiting": "the event loop idle (SQLite's thread, the network)",
        "other": "the rest (consumer base, asyncio)",
    }
    parts = [f"{labels.get(name, name)} {share * micro:,.0f} µs" for name, share in shares.items()]
    return f"{micro:,.0f} µs in all: " + ", ".join(parts)


TITLE = "Evaluation at scale: end-to-end lag, rebuild, replay, memory, and the targets"
NATION_TITLE = "Evaluation at scale: the nation in the evaluation service's memory"


def _lag_bound(figures: list[Figure]) -> str:
    values = {f.name: f.value for f in figures}
    total = values.get("end-to-end lag p99 at 1,000 events/s")
    before = values.get("of which committed → in the facts, p99, at 1,000 events/s")
    if total is None or before is None:
        return "see the lag figures"
    return (
        f"{before:,.0f} ms of the {total:,.0f} ms pass before the facts projection has applied the event "
        "(the relay's round: outbox read, publish, ack, outbox delete with a synchronous commit; then the "
        "consumer's fetch and batch), the rest in the evaluator (every union with new facts is evaluated "
        "again from all its facts of the year, under the projection's lock)"
    )


def _bounds(notes: list[str], figures: list[Figure]) -> Callable[[str], str]:
    rebuild_ = next((n for n in notes if n.startswith("- rebuild profile")), "")
    replay_ = next((n for n in notes if n.startswith("- replay profile")), "")
    per_event_ = next((n for n in notes if n.startswith("- rebuild, per event")), "")
    known = {
        "live": "the facts projection's per-event work and its SQLite upserts (the same code as the rebuild: "
        "see its profile)",
        "lag": _lag_bound(figures),
        "rebuild": (per_event_ or rebuild_).removeprefix("- ") or "see the profile",
        "replay": replay_.removeprefix("- ").replace("replay profile", "profile") or "see the profile",
        "nation": "the evaluator's batch of unions and the SQLite page cache",
    }
    return lambda target: next((v for k, v in known.items() if k in target.lower()), "see the profiles")


async def section(name: str) -> tuple[str, list[Figure], list[str]]:
    """This part's figures, their ratios to the raw fetch+ack of the same run, profiles and the targets."""
    figures, notes = await measure(SIZES[name])
    if SIZES[name].nation:
        return NATION_TITLE, figures, targets.check(figures, _bounds([], figures), only_measured=True)
    fetch = next(f.value for f in figures if f.name == targets.FETCH)
    ratios = ["Ratios to the raw transport measured in this run:"]
    ratios += [f"- {f.name} / raw fetch+ack: {f.value / fetch:.0%}" for f in figures
               if f.unit.endswith("/s") and f.name.startswith("evaluation: f")]  # fmt: skip
    bounds = _bounds(notes, figures)
    costs = [n for n in notes if SEAL_COST in n]
    profiles = [n for n in notes if SEAL_COST not in n]
    return (
        TITLE,
        figures,
        [
            *ratios,
            "",
            "Profiles:",
            *profiles,
            "",
            "The cost of seals (same run, target: at most 5% slower):",
            *costs,
            "",
            *targets.check(figures, bounds),
        ],
    )


def main() -> None:
    report.cli("bench.scale", SIZES, lambda size: asyncio.run(section(size)))


if __name__ == "__main__":
    main()
