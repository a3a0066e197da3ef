"""The README's commands, run as a reader runs them after ``make run`` and ``chudong demo``.

The shell blocks marked ``<!-- readme-test: run -->`` are run in order with bash, each with
``set -euo pipefail`` (an undefined variable fails), the variables of the blocks before it, and the URLs
of the system this test started instead of the default ports; every curl says ``--fail-with-body``, so a
refused call fails its block. Between blocks the test waits until every event has been published and
consumed, as it would have been at a reader's pace.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from chudong.commands.status import collect_status
from chudong.context import nats_credentials, read_running
from shared.settings import CommonSettings
from tests.e2e.conftest import RunningSystem, start_system
from tests.support import wait_until

README = Path(__file__).parents[2] / "README.md"
MARK = "<!-- readme-test: run -->"
BLOCK = re.compile(re.escape(MARK) + r"\n```sh\n(.*?)```", re.DOTALL)
ASSIGNED = re.compile(r"^([A-Z_][A-Z0-9_]*)=", re.MULTILINE)
USED = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)")
DEFAULT_PORTS = {
    "membership": "http://127.0.0.1:8101",
    "planning": "http://127.0.0.1:8102",
    "evaluation": "http://127.0.0.1:8103",
    "notifications": "http://127.0.0.1:8104",
}
CHUDONG = Path(sys.executable).parent / "chudong"


def run_blocks() -> list[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_the_readme_marks_its_runnable_blocks_and_they_define_what_they_use() -> None:
    blocks = run_blocks()
    assert len(blocks) >= 8, "the README's runnable examples lost their marks"
    assert README.read_text(encoding="utf-8").count(MARK) == len(blocks), "a mark not followed by ```sh"
    defined: set[str] = set()
    for block in blocks:
        defined |= set(ASSIGNED.findall(block))
        undefined = set(USED.findall(block)) - defined
        assert not undefined, f"{sorted(undefined)} used before any block defines them:\n{block}"
        for line in block.splitlines():
            command = line.strip()
            assert not re.match(r"(\S+=\S+\s+)*chudong\b", command), (
                f"a bare `chudong` (not on the PATH): {line}"
            )
            if command.startswith("curl "):
                assert "--fail-with-body" in command, f"a curl that would not fail on an error: {line}"
            assert "localhost:" not in command, f"a port outside the variables: {line}"


def settled(system: RunningSystem) -> bool:
    """Every outbox published and every consumer with nothing left to deliver or acknowledge."""
    for url in system.urls.values():
        health = httpx.get(f"{url}/healthz", timeout=10).json()
        if health.get("outbox_pending", 0):
            return False
    common = CommonSettings(data_dir=system.data_dir)
    running = read_running(common)
    assert running is not None, "chudong run is no longer running"
    user, password = nats_credentials(common)
    report = asyncio.run(collect_status(running.nats_url, user, password))
    return all(c["lag"] == 0 and c["ack_pending"] == 0 for s in report["streams"] for c in s["consumers"])


def wait_settled(system: RunningSystem, timeout: float = 120) -> None:
    async def check() -> bool:
        return await asyncio.to_thread(settled, system)

    asyncio.run(wait_until(check, timeout=timeout, what="every event published and consumed"))


@pytest.fixture(scope="module")
def demo_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSystem]:
    """``chudong run``, then the README's ``chudong demo`` (over HTTP; one year to keep it short)."""
    running = start_system(tmp_path_factory.mktemp("readme") / "data")
    try:
        loaded = running.cli("demo", "--years", "1", timeout=300)
        assert loaded.returncode == 0, loaded.stderr
        # The ids the README uses are those the demo prints.
        for line in (
            "bg  [province]",
            "  bg-h01  [district]",
            "    bg-dcs001  [grassroots]",
            "bg-dcs001-cd01",
        ):
            assert line in loaded.stdout, f"{line!r} not in what chudong demo printed:\n{loaded.stdout}"
        assert "via http" in loaded.stderr
        wait_settled(running, timeout=300)
        yield running
    finally:
        running.stop()


@pytest.mark.slow
def test_every_marked_readme_block_runs_against_the_demo(demo_system: RunningSystem, tmp_path: Path) -> None:
    # The blocks run in a directory of their own (they write files there): PYTHONPATH must not be relative.
    paths = demo_system.env.get("PYTHONPATH", "")
    absolute = os.pathsep.join(str(Path(p).resolve()) for p in paths.split(os.pathsep) if p)
    env = {**demo_system.env, "PYTHONPATH": absolute} if absolute else demo_system.env
    state = tmp_path / "variables.sh"
    state.write_text("")
    for block in run_blocks():
        text = block.replace(".venv/bin/chudong", str(CHUDONG))
        for service, default in DEFAULT_PORTS.items():
            text = text.replace(default, demo_system.urls[service])
        names = sorted(set(ASSIGNED.findall(text)))
        keep = f"declare -p {' '.join(names)} >> {state}\n" if names else ""
        script = f"set -euo pipefail\nsource {state}\n{text}\n{keep}"
        ran = subprocess.run(
            ["bash", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert ran.returncode == 0, f"this README block failed:\n{block}\n{ran.stdout}\n{ran.stderr}"
        wait_settled(demo_system)
