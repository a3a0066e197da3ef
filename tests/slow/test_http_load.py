"""Concurrent HTTP commands from a second process on two stateless membership replicas: none lost,
none answered twice. The benchmark itself (bench/http_load.py) runs here at its tiny size."""

from __future__ import annotations

import pytest

from tests.support import run_benchmark

pytestmark = pytest.mark.slow


def test_concurrent_admissions_on_two_replicas_are_each_answered_and_stored_once() -> None:
    result = run_benchmark("bench.http_load")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.splitlines()[0]
    requests, accepted = (int(part.split()[0]) for part in summary.split(", ")[:2])
    assert requests == accepted > 0, summary
    assert "0 failed" in summary and f"{accepted} members stored, {accepted} counted" in summary
    assert "latency p99" in result.stdout
