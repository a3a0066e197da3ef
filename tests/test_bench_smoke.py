"""The benchmark harness runs on a tiny size, so it does not rot. No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_harness_runs_end_to_end_on_a_tiny_size() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "tiny", "--no-write"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for figure in (
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
    ):
        assert figure in result.stdout, figure
