"""The issue's targets, checked against a run's figures: met, or missed by how much."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.timing import Figure

FETCH = "raw: pull consumer, fetch 500 + ack()"
LIVE = "evaluation: facts projection (JetStream → SQLite, consumer base)"


@dataclass(frozen=True)
class Target:
    name: str
    figure: str  # the figure's name (prefix) it is judged on
    limit: float
    higher_is_better: bool
    unit: str
    relative_to: str | None = None  # judged as a share of this figure

    def judge(self, figures: dict[str, float]) -> str:
        value = _find(figures, self.figure)
        if value is None:
            return f"- {self.name}: not measured in this run"
        base = _find(figures, self.relative_to) if self.relative_to else None
        if self.relative_to:
            if not base:
                return f"- {self.name}: not measured in this run"
            value = value / base
        shown = f"{value:.0%}" if self.relative_to else f"{value:,.0f} {self.unit}"
        met = value >= self.limit if self.higher_is_better else value < self.limit
        if met:
            return f"- {self.name}: **met** ({shown})"
        factor = self.limit / value if self.higher_is_better and value else value / self.limit
        return f"- {self.name}: **missed** ({shown}, {factor:,.1f}× short of the target)"


def _find(figures: dict[str, float], name: str | None) -> float | None:
    if name is None:
        return None
    return next((v for k, v in figures.items() if k.startswith(name)), None)


TARGETS = (
    Target("live projection ≥ 70% of raw pull-fetch-with-ack", LIVE, 0.70, True, "", relative_to=FETCH),
    Target("lag p99 < 100 ms at 1,000 events/s", "end-to-end lag p99 at 1,000 events/s", 100, False, "ms"),
    Target("rebuild ≥ 50,000 events/s", "evaluation: full rebuild from history", 50_000, True, "events/s"),
    Target(
        "replay of one union's five-year history < 200 ms",
        "chudong replay of one union's 5-year",
        200,
        False,
        "ms",
    ),
    Target(
        "the nation in evaluation's memory < 4 GiB",
        "evaluation service peak RSS holding the nation",
        4096,
        False,
        "MiB",
    ),
)


def check(
    figures: Sequence[Figure], bounds: Callable[[str], str] | None = None, *, only_measured: bool = False
) -> list[str]:
    values: dict[str, float] = {}
    for f in figures:
        values.setdefault(f.name, f.value)  # the pipeline's raw figures come first
    lines = ["Targets (checked by this run, never asserted in tests):"]
    for target in TARGETS:
        line = target.judge(values)
        if only_measured and "not measured" in line:
            continue
        if "not measured" in line and target.figure.endswith("holding the nation"):
            line += " (`python -m bench.scale --size nation` measures it in a section of its own)"
        if bounds is not None and "missed" in line:
            line += f"; bound: {bounds(target.name)}"
        lines.append(line)
    return lines
