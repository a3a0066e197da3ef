"""Partitions: replicas of a service share a stream's work by unit path (e.g. one province each).

A replica's partition is a list of units (``EVALUATION_PARTITION=vn.bg,vn.hn``):
``vn.bg`` is the unit and every unit below it, ``=vn`` the unit alone (the
national events, which no province takes). Each entry becomes JetStream filter
subjects on the event subjects ``<service>.<EventType>.<unit path>``, so the
server hands each replica only its events, and each replica keeps its own
durable consumer and checkpoint (named after the partition). Replicas of one
service write to the same database, where their read models add up to the one a
single replica would build: every event is applied by exactly one replica.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_UNIT_PATH = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")


class PartitionError(ValueError):
    """A partition that cannot be turned into subjects; the message names the entry and what is accepted."""


@dataclass(frozen=True, slots=True)
class Partition:
    """The units one replica consumes: whole subtrees, and units alone (``=path``)."""

    name: str
    subtrees: tuple[str, ...] = ()
    units: tuple[str, ...] = ()

    def filter_subjects(self, service: str) -> tuple[str, ...]:
        """The subjects of ``service``'s events about this partition's units."""
        subjects: list[str] = []
        for path in self.subtrees:
            subjects += [f"{service}.*.{path}", f"{service}.*.{path}.>"]
        subjects += [f"{service}.*.{path}" for path in self.units]
        return tuple(dict.fromkeys(subjects))


def parse_partition(spec: str, name: str | None = None) -> Partition | None:
    """The partition of ``spec`` (``vn.bg,vn.hn,=vn``), or None when it is empty (every event)."""
    entries = [entry.strip() for entry in spec.split(",") if entry.strip()]
    if not entries:
        return None
    subtrees: list[str] = []
    units: list[str] = []
    for entry in entries:
        path = entry.removeprefix("=")
        if not _UNIT_PATH.match(path):
            raise PartitionError(
                f"partition entry {entry!r} is not a unit path: accepted are unit paths such as 'vn.bg' "
                "(the unit and everything below it) or '=vn' (the unit alone), separated by commas"
            )
        (units if entry.startswith("=") else subtrees).append(path)
    return Partition(name or default_name(entries), tuple(subtrees), tuple(units))


def default_name(entries: list[str]) -> str:
    """A readable name for short partitions, a stable digest for long ones."""
    readable = "+".join(e.replace("=", "only-").replace(".", "-") for e in entries)
    if len(readable) <= 32:
        return readable
    return "p" + hashlib.sha256(",".join(sorted(entries)).encode()).hexdigest()[:10]
