"""The org tree as a reader needs it to pick ids: each unit's id, level and name, indented under its parent."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TreeLine:
    """One unit of a printed tree; ``depth`` counts from the top unit printed (0)."""

    unit_id: str
    level: str
    name: str
    depth: int
    note: str = ""


def by_path(units: Iterable[tuple[str, str, str, str, str]]) -> list[TreeLine]:
    """Units given as (unit_id, level, name, path, note), in tree order under the shallowest of them.

    Paths are compared part by part: as plain strings ``vn.bg-x`` would sort between ``vn.bg`` and
    ``vn.bg.y`` and split ``bg``'s subtree.
    """
    rows = sorted(units, key=lambda u: u[3].split("."))
    top = min((row[3].count(".") for row in rows), default=0)
    return [TreeLine(uid, level, name, path.count(".") - top, note) for uid, level, name, path, note in rows]


def render(lines: Iterable[TreeLine]) -> Iterator[str]:
    for line in lines:
        note = f"  ({line.note})" if line.note else ""
        yield f"{'  ' * line.depth}{line.unit_id}  [{line.level}]  {line.name}{note}"
