"""Writing a run's figures into docs/benchmarks.md, in its own section, replacing the previous run's."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.machine import describe
from bench.timing import Figure

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADER = "# Benchmarks\n\nFigures measured on the machine named in each section, with the command that produced them.\n"


def render(
    title: str, command: str, machine: dict[str, object], figures: Sequence[Figure], notes: Sequence[str] = ()
) -> str:
    versions = machine.get("versions", {})
    assert isinstance(versions, dict)
    lines = [
        f"## {title}",
        "",
        f"Command: `{command}`",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, {machine['os']}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
        "| figure | value | runs |",
        "|---|---|---|",
    ]
    for figure in figures:
        runs = ", ".join(f"{r:,.0f}" if figure.unit.endswith("/s") else f"{r:,.2f}" for r in figure.runs)
        name = figure.name + (f" ({figure.note})" if figure.note else "")
        lines.append(f"| {name} | {figure.formatted()} | {runs} |")
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def write_section(title: str, body: str, doc: Path = DOC) -> None:
    """Replace the section called ``title`` (or add it), leaving every other section as it is."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else HEADER
    start_marker = f"<!-- bench:{title} -->"
    end_marker = f"<!-- /bench:{title} -->"
    block = f"{start_marker}\n{body}{end_marker}\n"
    if start_marker in text and end_marker in text:
        before, rest = text.split(start_marker, 1)
        after = rest.split(end_marker, 1)[1].lstrip("\n")
        text = before + block + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")


Section = tuple[str, list[Figure], list[str]]  # title, figures, notes


def show(console: Console, title: str, figures: Sequence[Figure], notes: Sequence[str]) -> None:
    """A section on the terminal: its figures as a table, then its notes."""
    table = Table(title=title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for figure in figures:
        table.add_row(figure.name + (f" ({figure.note})" if figure.note else ""), figure.formatted())
    console.print(table)
    for note in notes:
        console.print(note)


def cli(module: str, sizes: Iterable[str], measure: Callable[[str], Section]) -> None:
    """``python -m <module> [--size S] [--no-write]``: print the machine and the section measured at
    that size, and write it to docs/benchmarks.md unless told not to."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}")
    parser.add_argument("--size", choices=sorted(sizes), default="standard")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    described = describe()
    console = Console()
    console.print(described)
    title, figures, notes = measure(args.size)
    show(console, f"{title} ({args.size})", figures, notes)
    if not args.no_write:
        command = f"python -m {module}" + ("" if args.size == "standard" else f" --size {args.size}")
        write_section(title, render(title, command, described, figures, notes))
