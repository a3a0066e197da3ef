"""Every benchmark runs on a tiny size, so none rots. No timing is asserted."""

from __future__ import annotations

import pytest

from tests.support import run_benchmark

# Each benchmark module, and figures its output must name.
FIGURES: dict[str, tuple[str, ...]] = {
    "bench": (
        "append to SQLite",
        "raw: JetStream publish_async",
        "raw: pull consumer",
        "relay outbox",
        "chudong: projection of member counts",
        "eventsourcing: append to SQLite",
        "evaluation: facts projection",
        "end-to-end lag p99 at 100 events/s",
        "evaluation: full rebuild from history",
        "chudong replay of one union's 5-year history",
        "evaluation service peak RSS holding a unit",
        "Targets (checked by this run",
    ),
    "bench.evaluation": (
        "raw: pull consumer",
        "evaluation: facts projection",
        "unions evaluated",
        "peak RSS",
    ),
    "bench.store_append": ("append to SQLite, one event per transaction", "eventsourcing: append to", "×"),
    "bench.planning": ("meetings recorded over HTTP", "meetings per branch per month", "raw: store append"),
    "bench.notifications": (
        "alerts raised from JetStream",
        "e-mails sent by the dispatcher",
        "raw: aiosmtplib",
    ),
    "bench.dashboard": ("province overview page", "weight of that page", "exported to PDF"),
    "bench.demo": ("commands recorded over HTTP", "events stored by the direct path", "CPU per command"),
}


@pytest.mark.parametrize("module", FIGURES)
def test_a_benchmark_runs_on_a_tiny_size(module: str) -> None:
    result = run_benchmark(module)
    assert result.returncode == 0, result.stderr[-3000:]
    for figure in FIGURES[module]:
        assert figure in result.stdout, figure


def test_one_part_of_the_main_benchmark_runs_alone() -> None:
    result = run_benchmark("bench", "--only", "evaluation")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "evaluation: facts projection" in result.stdout
    assert "relay outbox" not in result.stdout and "end-to-end lag" not in result.stdout
