"""``python -m bench.demo [--size tiny|standard] [--no-write]``: the demo over HTTP, beside the direct path.

Starts ``chudong run`` on a fresh data directory, as a user does, and loads the demo through the
services' HTTP commands with ``chudong demo``'s loader: commands recorded per second. Then the same
history straight into fresh stores (``chudong demo --via store``'s path): events per second. Beside
them, the CPU each process of the running system spent per command, which says what bounds the rate.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench import report
from bench.timing import Figure
from chudong.commands.demo import admin_token
from chudong.demo import SCALES, Generator, Scale
from chudong.demo.direct import SERVICES, DirectLoader
from chudong.demo.http import HttpLoader
from shared.settings import CommonSettings
from tests.e2e.conftest import RunningSystem, start_system

TITLE = "Demo: chudong demo over HTTP, beside the direct path"
UNTIL = date(2026, 11, 27)


@dataclass(frozen=True)
class Size:
    scale: Scale
    years: int


SIZES = {
    "tiny": Size(Scale("tiny", provinces=1, districts=1, unions=2, branches=(2, 3), members=(4, 6)), 1),
    # The README's `chudong demo`: the unit scale, two years.
    "standard": Size(SCALES["unit"], 2),
}


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes(root: int) -> dict[int, str]:
    """``root`` and every process below it, with what each runs (a service's module, nats-server …)."""
    found: dict[int, str] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            words = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        found[pid] = next((w.split(".")[1] for w in words if w.startswith("services.")), Path(words[0]).name)
        todo += [int(child) for child in children]
    return found


def _cpu(processes: dict[int, str]) -> dict[str, float]:
    spent: dict[str, float] = {}
    for pid, name in processes.items():
        try:
            spent[name] = spent.get(name, 0.0) + _cpu_seconds(pid)
        except OSError:
            continue
    return spent


async def over_http(system: RunningSystem, generator: Generator) -> tuple[int, float, dict[str, float]]:
    """Commands recorded, seconds taken, and CPU seconds per process (the loader's own as ``loader``)."""
    common = CommonSettings(data_dir=system.data_dir)
    processes = _processes(system.process.pid)
    before, loader_before = _cpu(processes), time.process_time()
    loader = HttpLoader(system.urls, lambda unit: admin_token(common, unit))
    started = time.perf_counter()
    try:
        sent = await loader.load(generator)
    finally:
        await loader.close()
    elapsed = time.perf_counter() - started
    spent = {name: seconds - before.get(name, 0.0) for name, seconds in _cpu(processes).items()}
    spent["loader"] = time.process_time() - loader_before
    return sent, elapsed, spent


async def direct(generator: Generator, work: Path) -> tuple[int, float]:
    """Events stored and seconds taken, straight into fresh SQLite stores."""
    urls = {name: f"sqlite+aiosqlite:///{work / name}.db" for name in SERVICES}
    loader = DirectLoader(urls)
    await loader.initialise()
    started = time.perf_counter()
    try:
        stored = await loader.load(generator.events())
    finally:
        await loader.close()
    return stored, time.perf_counter() - started


def measure(size_name: str) -> report.Section:
    size = SIZES[size_name]
    generator = Generator(size.scale, size.years, 1, UNTIL)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="chudong-bench-demo-") as work:
        system = start_system(Path(work) / "data")
        try:
            sent, elapsed, spent = asyncio.run(over_http(system, generator))
        finally:
            system.stop()
        Path(work, "direct").mkdir()
        stored, stored_in = asyncio.run(direct(generator, Path(work) / "direct"))
    note = f"{size.scale.name} scale, {size.years} year(s), seed 1"
    figures = [
        Figure("commands recorded over HTTP", sent / elapsed, "commands/s", [sent / elapsed], note),
        Figure(
            "events stored by the direct path", stored / stored_in, "events/s", [stored / stored_in], note
        ),
    ]
    total = sum(spent.values())
    figures.append(Figure("CPU per command, all processes", 1000 * total / sent, "ms", [1000 * total / sent]))
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        if seconds >= 0.05 * total:
            figures.append(
                Figure(f"CPU per command: {name}", 1000 * seconds / sent, "ms", [1000 * seconds / sent])
            )
    notes = [
        f"{sent:,} commands in {elapsed:.1f} s; the direct path stored {stored:,} events in {stored_in:.1f} s.",
        f"CPU of the whole run: {total:.1f} s on {os.cpu_count()} cores in {elapsed:.1f} s; the services, "
        "NATS and the loader share the machine, so the rate is bounded by their CPU per command.",
        f"Load average (1 min) before the run: {load_before:.1f}; after: {os.getloadavg()[0]:.1f}.",
    ]
    return TITLE, figures, notes


def main() -> None:
    report.cli("bench.demo", SIZES, measure)


if __name__ == "__main__":
    main()
