"""Measuring: rates, repeated runs and percentiles."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass
class Figure:
    """One measured figure: ``value`` in ``unit`` (e.g. events/s), the median of ``runs``."""

    name: str
    value: float
    unit: str
    runs: list[float] = field(default_factory=list)
    note: str = ""

    def formatted(self) -> str:
        if self.unit.endswith("/s"):
            return f"{self.value:,.0f} {self.unit}"
        return f"{self.value:,.2f} {self.unit}"


async def rate(work: Callable[[], Awaitable[int]], repeats: int = 3) -> tuple[float, list[float]]:
    """Run ``work`` (which returns how many items it handled) ``repeats`` times: median items per second."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        items = await work()
        elapsed = time.perf_counter() - start
        rates.append(items / elapsed if elapsed > 0 else float("inf"))
    return statistics.median(rates), rates


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
