"""The member-list import benchmark runs on a tiny size, so it does not rot. No timing is asserted."""

from __future__ import annotations

from tests.support import run_benchmark


def test_the_member_import_benchmark_runs_on_a_tiny_size() -> None:
    result = run_benchmark("bench.membership_import")
    assert result.returncode == 0, result.stderr[-3000:]
    for figure in (
        "import a clean sheet (50 rows, SQLite)",
        "refuse a sheet with 3 bad rows",
        "export the member list",
    ):
        assert figure in result.stdout, figure
