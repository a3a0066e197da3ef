"""The unit scale goes through the services' own HTTP commands, as a user's data would: every command
is accepted, and evaluation holds every union the demo registered."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest

from chudong.demo import SCALES, Generator
from tests.e2e.conftest import start_system
from tests.slow.test_demo_province import UNTIL, _chudong, _settled

# Loading a demo history and letting every service catch up takes minutes to tens of minutes here.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


def test_the_unit_scale_is_recorded_through_http_commands(tmp_path: Path) -> None:
    system = start_system(tmp_path / "data")
    try:
        _chudong(system, "demo", "--scale", "unit", "--years", "1", "--seed", "5", "--until", UNTIL)
        _settled(system)
        # Re-running the same demo records nothing twice (every command carries an Idempotency-Key).
        _chudong(system, "demo", "--scale", "unit", "--years", "1", "--seed", "5", "--until", UNTIL)
        admin = system.token("admin", "vn")
        unions = list(Generator(SCALES["unit"], 1, 5, date.fromisoformat(UNTIL)).unions())
        with httpx.Client(base_url=system.urls["evaluation"], headers=admin, timeout=60) as client:
            listed = client.get("/units/bg/unions", params={"limit": 100}).json()
        assert sorted(i["unit_id"] for i in listed["items"]) == sorted(u.unit_id for u in unions)
        with httpx.Client(base_url=system.urls["membership"], headers=admin, timeout=60) as client:
            members = client.get(f"/units/{unions[0].unit_id}/members", params={"limit": 1}).json()
        assert members["total"] > 0
    finally:
        assert system.stop() == 0
