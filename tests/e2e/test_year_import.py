"""End to end: on a fresh ``chudong run``, the example workbook (a commune union's last year on paper) is
imported with ``chudong import`` over HTTP; evaluation judges the union as the paper record implies; the
same workbook imported again writes nothing."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from chudong.year_example import DISTRICT, NEW_BRANCH, UNION
from tests.e2e.conftest import RunningSystem
from tests.support import eventually

# What the example's paper record implies, as of its last day: every core duty done, so each criterion
# and the union pass; the training programme (none on paper) and "1+1" (3 of 20 members brought someone)
# fall short, and inactivity cannot be judged without dues.
EXPECTED = {
    "status": "pass",
    "criteria": {1: "pass", 2: "pass", 3: "pass"},
    "indicators": {
        "C1.1": "pass", "C1.2": "pass", "C1.3": "pass", "C1.4": "pass", "C1.5": "pass", "C1.6": "pass",
        "C1.7": "at_risk", "C1.8": "pass", "C1.9": "at_risk", "C1.10": "not_assessed",
        "C2.1": "pass", "C2.2": "pass", "C2.3": "pass", "C2.4": "pass", "C2.5": "pass", "C2.6": "pass",
        "C2.7": "pass", "C2.8": "pass",
        "C3.1": "pass", "C3.2": "pass", "C3.3": "pass", "C3.4": "pass", "C3.5": "pass", "C3.6": "pass",
    },
}  # fmt: skip


def verdicts(answer: dict[str, Any]) -> dict[str, Any]:
    indicators = {i["indicator_id"]: i["status"] for c in answer["criteria"] for i in c["indicators"]}
    return {
        "status": answer["status"],
        "criteria": {c["criterion"]: c["status"] for c in answer["criteria"]},
        "indicators": {k: v for k, v in indicators.items() if k in EXPECTED["indicators"]},
    }


def heads(system: RunningSystem) -> dict[str, int]:
    """Each recording service's last position in its history."""
    found = {}
    for service in ("membership", "planning"):
        with sqlite3.connect(system.data_dir / f"{service}.db") as db:
            found[service] = db.execute("select position from chain_head").fetchone()[0]
    return found


def test_a_year_on_paper_imported_on_a_fresh_system_is_judged_as_it_implies(
    system: RunningSystem, tmp_path: Path
) -> None:
    year = date.today().year - 1
    workbook = tmp_path / "nam.xlsx"
    written = system.cli("import", "--example", str(workbook), "--year", str(year))
    assert written.returncode == 0, written.stderr
    imported = system.cli("import", str(workbook), "--unit", "vn", timeout=600)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "136 recorded" in imported.stderr

    officer = system.token("district_officer", DISTRICT)
    url = f"{system.urls['evaluation']}/units/{UNION}/compliance"
    params: dict[str, str | int] = {"year": year, "as_of": f"{year}-12-31"}
    answer: dict[str, Any] = {}
    with httpx.Client(timeout=30) as client:

        def judged() -> bool:
            answer.clear()
            answer.update(client.get(url, params=params, headers=officer).json())
            return "criteria" in answer and verdicts(answer) == EXPECTED

        eventually(judged, "evaluation to judge the imported year as the workbook implies", timeout=90)
        meetings = next(i for c in answer["criteria"] for i in c["indicators"] if i["indicator_id"] == "C2.2")
        # The branch founded on 1 April counts from April: 12 + 12 + 9 branch-months.
        assert meetings["evidence"]["numbers"]["branch meeting: branch-periods"] == 33
        tree = client.get(f"{system.urls['membership']}/units/{NEW_BRANCH}", headers=officer).json()
        assert tree["established_on"] == f"{year}-04-01"

    before = heads(system)
    again = system.cli("import", str(workbook), "--unit", "vn", timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 recorded" in again.stderr
    assert heads(system) == before, "imported again, nothing is written"
