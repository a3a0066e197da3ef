"""``python -m bench``: measure, print, and write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console

import shared.contracts  # noqa: F401
from bench import (
    evaluation,
    machine,
    peer,
    projection,
    relay,
    report,
    scale,
    store_append,
    transport,
)
from bench.infra import nats, postgres_url
from bench.seals import SEAL_BOUND
from bench.timing import Figure


@dataclass(frozen=True)
class Size:
    singles: int
    batched: int
    relayed: int
    raw: int
    projected: int
    repeats: int


SIZES = {
    "tiny": Size(singles=50, batched=500, relayed=500, raw=2_000, projected=1_000, repeats=1),
    "standard": Size(singles=2_000, batched=20_000, relayed=20_000, raw=100_000, projected=50_000, repeats=3),
}


async def measure(size: Size) -> tuple[list[Figure], list[str]]:
    figures: list[Figure] = []
    figures += await store_append.run(size.singles, size.batched, repeats=size.repeats)
    async with nats() as (_, js):
        publish, fetch, publish_runs, fetch_runs = await transport.run(js, size.raw, size.repeats)
        figures.append(
            Figure("raw: JetStream publish_async, 4,000 in flight", publish, "msgs/s", publish_runs)
        )
        figures.append(Figure("raw: pull consumer, fetch 500 + ack()", fetch, "msgs/s", fetch_runs))
    relayed, relay_cost = await relay.run(size.relayed, size.repeats)
    figures += relayed
    projected, projection_cost = await projection.with_and_without_seals(size.projected, size.repeats)
    figures += projected
    async with nats() as (_, js), postgres_url() as view_pg:
        if view_pg is not None:
            figures.append(await projection.run(js, size.projected, view_pg, "PostgreSQL"))
    async with postgres_url() as pg:
        figures += await asyncio.to_thread(peer.run, size.singles, size.batched, pg, repeats=size.repeats)
    notes = _ratios(figures, publish, fetch)
    notes += ["", "The cost of seals (same run, target: at most 5% slower):", *relay_cost, projection_cost]
    notes.append(SEAL_BOUND)
    return figures, notes


def _ratios(figures: list[Figure], publish: float, fetch: float) -> list[str]:
    by_name = {f.name: f.value for f in figures}
    notes = ["Ratios (same run):"]
    relay_rate = next((f.value for f in figures if f.name.startswith("relay")), None)
    if relay_rate:
        notes.append(f"- relay / raw publish_async: {relay_rate / publish:.0%}")
    for figure in figures:
        if figure.name.startswith("chudong: projection"):
            notes.append(f"- {figure.name} / raw fetch+ack: {figure.value / fetch:.0%}")
    ours = by_name.get("chudong: projection of member counts (JetStream → PostgreSQL, consumer base)")
    theirs = next((f.value for f in figures if f.name.startswith("eventsourcing: projection")), None)
    if ours and theirs:
        notes.append(f"- our projection into PostgreSQL / eventsourcing's: {ours / theirs:.2f}×")
    for backend in ("SQLite", "PostgreSQL"):
        for kind, peer_kind in (
            ("one event per transaction", "one aggregate per save"),
            ("batches of 500", "500 aggregates per save"),
        ):
            mine = by_name.get(f"append to {backend}, {kind}")
            other = by_name.get(f"eventsourcing: append to {backend}, {peer_kind}")
            if mine and other:
                notes.append(f"- append to {backend}, {kind}: ours / eventsourcing's = {mine / other:.2f}×")
    return notes


EVALUATION_TITLE = "Evaluation: facts projection, evaluator and a nation's footprint"


Section = report.Section


PARTS = ("pipeline", "evaluation", "scale")


async def measure_all(name: str, done: Callable[[Section], None], parts: Sequence[str] = PARTS) -> None:
    """The parts asked for, every one by default: the pipeline, evaluation's own figures, and evaluation at scale.

    Each part's section is handed to ``done`` as soon as it is measured.
    """
    if "pipeline" in parts:
        pipeline = "Pipeline: store, relay, projection, raw transport and the eventsourcing peer"
        figures, notes = await measure(SIZES[name])
        done((pipeline, figures, notes))
    if "evaluation" in parts:
        evaluated, evaluation_notes = await evaluation.measure(evaluation.SIZES[name])
        done((EVALUATION_TITLE, evaluated, evaluation_notes))
    if "scale" in parts:
        done(await scale.section(name))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--size", choices=sorted(SIZES), default="standard")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        help="measure this part only (may be repeated); all by default",
    )
    args = parser.parse_args()
    parts = args.only or PARTS
    described = machine.describe()
    console = Console()
    console.print(described)
    command = "python -m bench" + ("" if args.size == "standard" else f" --size {args.size}")
    command += "".join(f" --only {part}" for part in args.only or ())

    def done(section: Section) -> None:
        title, figures, notes = section
        report.show(console, f"{title} ({args.size})", figures, notes)
        if not args.no_write:
            report.write_section(title, report.render(title, command, described, figures, notes))

    asyncio.run(measure_all(args.size, done, parts))
    sys.exit(0)


if __name__ == "__main__":
    main()
