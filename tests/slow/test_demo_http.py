"""The README's first demo: ``chudong demo`` over HTTP on a fresh system records what the direct path
stores on the same seed, every command accepted, and evaluation gives every union the same verdict."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from chudong.demo import SCALES, Generator
from tests.e2e.conftest import RunningSystem, start_system, system_env
from tests.slow.test_demo_province import _chudong, _settled

# Two systems loaded and settled, one of them through a few thousand HTTP commands.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

SEED = "5"
# Over HTTP these are recorded the day they are sent (their commands carry no date), so evaluation
# dates their facts then; the direct path dates them when they happened.
DATED_WHEN_SENT = {"training_evaluated", "membership_extended"}


def verdicts(system: RunningSystem, unions: list[str], years: list[int]) -> dict[tuple[str, int], Any]:
    """Each union's status, each criterion's and each indicator's, for each year, as of today."""
    found: dict[tuple[str, int], Any] = {}
    admin = system.token("admin", "vn")
    with httpx.Client(base_url=system.urls["evaluation"], headers=admin, timeout=60) as client:
        for union in unions:
            for year in years:
                answer = client.get(f"/units/{union}/compliance", params={"year": year})
                assert answer.status_code == 200, answer.text
                body = answer.json()
                found[union, year] = (
                    body["status"],
                    [
                        (
                            c["criterion"],
                            c["status"],
                            [(i["indicator_id"], i["status"]) for i in c["indicators"]],
                        )
                        for c in body["criteria"]
                    ],
                )
    return found


def facts(data_dir: Path) -> Counter[tuple[object, ...]]:
    """What evaluation took from the history: every fact, without the ids of the events behind it."""
    with sqlite3.connect(data_dir / "evaluation.db") as db:
        rows = db.execute(
            "SELECT kind, unit_id, subject, occurred_on, number, total, tag FROM evaluation_facts"
        ).fetchall()
    return Counter(
        (kind, unit, subject, None if kind in DATED_WHEN_SENT else on, number, total, tag)
        for kind, unit, subject, on, number, total, tag in rows
    )


def test_the_demo_over_http_records_what_the_direct_path_stores(tmp_path: Path) -> None:
    today = date.today()
    generator = Generator(SCALES["unit"], 1, int(SEED), today)
    unions = [u.unit_id for u in generator.unions()]
    years = [today.year, today.year + 1]  # a school's year that began in September is the next one
    demo = ("demo", "--scale", "unit", "--years", "1", "--seed", SEED)

    # The direct path: straight into the stores, then published when the system starts.
    stored = tmp_path / "direct"
    loaded = _run_chudong(stored, *demo, "--via", "store")
    direct = start_system(stored)
    try:
        _settled(direct)
        expected = verdicts(direct, unions, years)
    finally:
        assert direct.stop() == 0

    # The README's demo: a running system, then `chudong demo` over HTTP (the unit scale's default).
    system = start_system(tmp_path / "http")
    try:
        printed = _chudong(system, *demo)
        assert printed == loaded, "both paths print the tree they made"
        _settled(system)
        assert verdicts(system, unions, years) == expected
        before = facts(system.data_dir)
        # Re-running the same demo records nothing twice (every command carries an Idempotency-Key).
        _chudong(system, *demo)
        _settled(system)
    finally:
        assert system.stop() == 0
    assert facts(system.data_dir) == before
    direct_facts = facts(stored)
    assert sum(direct_facts.values()) > 1_000
    assert before == direct_facts, (before - direct_facts, direct_facts - before)


def _run_chudong(data_dir: Path, *args: str) -> str:
    """``chudong ARGS`` on ``data_dir`` with no system running (the direct path writes the stores)."""
    chudong = Path(sys.executable).parent / "chudong"
    done = subprocess.run(
        [str(chudong), *args],
        env=system_env(data_dir),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout
