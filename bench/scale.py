"""Evaluation at scale: end-to-end lag, a full rebuild, a union's replay, and the service's memory
holding a province and the nation (the parts of ``python -m bench`` that use the demo history)."""

from __future__ import annotations

from dataclasses import dataclass

from bench import footprint, lag, rebuild, replay
from bench.infra import nats
from bench.profile import Profile
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


SIZES = {
    "tiny": ScaleSize((100,), 1.0, 10, "unit", 1, 5, 1, "unit", False),
    "standard": ScaleSize((100, 500, 1000), 10.0, 200, "district", 2, 5, 3, "province", True),
}


async def measure(size: ScaleSize) -> tuple[list[Figure], list[str]]:
    figures: list[Figure] = []
    notes: list[str] = []
    async with nats() as (url, js):
        figures += await lag.run(js, size.lag_rates, size.lag_seconds, size.lag_unions)
        profile = Profile()
        history = Generator(SCALES[size.rebuild_scale], size.rebuild_years, 1, footprint.UNTIL).events()
        rate, events = await rebuild.run(js, history, profile=profile)
        note = f"{events:,} events: the {size.rebuild_scale} demo, {size.rebuild_years} years"
        figures.append(Figure("evaluation: full rebuild from history (facts projection, SQLite)", rate, "events/s",
                              [rate], note=note))  # fmt: skip
        notes.append(f"- rebuild profile (own time): {profile.summary()}")
        replay_profile = Profile()
        ms, runs, replayed = await replay.run(js, url, size.replay_years, size.repeats, replay_profile)
        notes.append(f"- replay profile (own time, last run): {replay_profile.summary()}")
        figures.append(Figure(f"chudong replay of one union's {size.replay_years}-year history", ms, "ms", runs,
                              note=f"{replayed:,} events"))  # fmt: skip
        held = await footprint.measure(footprint.province(size.province_scale, 1).events(), url)
        figures.append(Figure(f"evaluation service peak RSS holding a {size.province_scale}", held.peak_mib, "MiB",
                              [held.peak_mib], note=f"{held.units:,} units, {held.facts:,} facts, "
                              f"every union evaluated in {held.seconds:,.0f} s"))  # fmt: skip
        if size.nation:
            held = await footprint.measure(footprint.nation_tree_and_one_province(1), url, timeout=600)
            done = (
                f"every union evaluated in {held.seconds:,.0f} s"
                if not held.left
                else f"after {held.seconds:,.0f} s with {held.left:,} units still to evaluate"
            )
            figures.append(Figure("evaluation service peak RSS holding the nation", held.peak_mib, "MiB",
                                  [held.peak_mib], note=f"{held.units:,} units, one province's {held.facts:,} "
                                  f"facts, {done}"))  # fmt: skip
    return figures, notes
