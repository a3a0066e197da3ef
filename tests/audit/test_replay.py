"""``chudong replay`` as a record: names beside ids, nothing cut at any width, CSV for machines, and the
same from a stopped system's data directory."""

from __future__ import annotations

import csv
import io

import pytest

from tests.audit.conftest import Recorded

ARGS = ("replay", "--as-of", "2026-03-31")


def test_the_table_is_the_same_at_any_width_and_names_each_union(
    recorded: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    narrow = recorded.chudong(*ARGS)
    monkeypatch.setenv("COLUMNS", "300")
    wide = recorded.chudong(*ARGS)
    assert narrow.exit_code == 0, narrow.output
    assert narrow.stdout == wide.stdout
    row = next(line for line in narrow.stdout.splitlines() if "dcs-1" in line)
    assert "Đơn vị dcs-1" in row and "…" not in narrow.stdout
    assert "\x1b[" not in narrow.stdout, "no colour codes in a record"


@pytest.mark.parametrize("mode", ["online", "offline"])
def test_csv_for_machines_online_and_offline(recorded: Recorded, mode: str) -> None:
    if mode == "offline":
        recorded.go_offline()
    result = recorded.chudong(*ARGS, "--format", "csv")
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["unit"] == "dcs-1" and row["name"] == "Đơn vị dcs-1" and row["as_of"] == "2026-03-31"
    assert row["3_chủ_động"] in ("pass", "at_risk", "fail", "not_assessed")
