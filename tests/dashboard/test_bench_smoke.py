"""The dashboard benchmark runs on a tiny size, so it does not rot. No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_dashboard_benchmark_runs_on_a_tiny_size() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.dashboard", "--size", "tiny", "--no-write"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for figure in ("province overview page", "weight of that page", "exported to PDF"):
        assert figure in result.stdout, figure
