"""The province scale (~320 unions, ~5,000 branches) loads into a system started with ``chudong run``,
and evaluation shows a plausible spread of pass, at risk and fail, each with its reasons."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import RunningSystem, start_system

UNTIL = "2026-11-27"
# Loading a demo history and letting every service catch up takes minutes to tens of minutes here.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


def _chudong(system: RunningSystem, *args: str, timeout: float = 3600) -> str:
    chudong = Path(sys.executable).parent / "chudong"
    done = subprocess.run(
        [str(chudong), *args], env=system.env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _settled(system: RunningSystem, timeout: float = 3600) -> None:
    """Every consumer has taken every message, and no union waits to be evaluated (twice in a row)."""
    deadline, quiet = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        report = json.loads(_chudong(system, "status", "--json", timeout=60))
        pending = sum(c["lag"] + c["ack_pending"] for s in report["streams"] for c in s["consumers"])
        quiet = quiet + 1 if pending == 0 else 0
        if quiet >= 3:
            return
        time.sleep(5)
    raise AssertionError("the system did not settle")


def test_the_province_scale_loads_through_chudong_run_with_a_spread_of_outcomes(tmp_path: Path) -> None:
    system = start_system(tmp_path / "data")
    try:
        _chudong(system, "demo", "--scale", "province", "--years", "1", "--seed", "11", "--until", UNTIL)
        _settled(system)
        admin = system.token("admin", "vn")
        with httpx.Client(base_url=system.urls["evaluation"], headers=admin, timeout=60) as client:
            listed = client.get("/units/bg/unions", params={"limit": 1000}).json()
            assert listed["total"] == 320
            outcomes: Counter[str] = Counter()
            failing = ""
            for union in listed["items"]:
                if union["unit_type"] == "school":
                    continue  # its year began in September: too early to judge
                params = {"as_of": UNTIL, "year": "2026"}
                status = client.get(f"/units/{union['unit_id']}/compliance", params=params).json()["status"]
                outcomes[status] += 1
                if status == "fail" and not failing:
                    failing = union["unit_id"]
            rollup = client.get("/units/bg/rollup").json()
            assert rollup["unions"] == 320 and rollup["branches"] > 4_500
            explanation = client.get(
                f"/units/{failing}/explanation", params={"as_of": UNTIL, "lang": "en"}
            ).text
        judged = sum(outcomes.values())
        # Late November: most unions have done the year's work, the slipping ones still owe year-end
        # duties (at risk), the struggling ones have faults that cannot be repaired any more (fail).
        assert outcomes["pass"] > judged / 2, outcomes
        assert outcomes["at_risk"] >= judged / 20, outcomes
        assert judged / 20 <= outcomes["fail"] <= judged / 4, outcomes
        assert '"3 chủ động": FAIL' in explanation and "[core] FAIL" in explanation, explanation
    finally:
        assert system.stop() == 0
