"""Writing a run's figures into docs/benchmarks.md, in its own section, replacing the previous run's."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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
