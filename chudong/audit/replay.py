"""Replay: compliance rebuilt from the event history alone (the JetStream copies of every service).

The tree, the facts and the evaluation are the evaluation service's own code,
fed in history order: a replay at a date equals the live projection at that date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from nats.js import JetStreamContext

from chudong.audit.streams import read_stream
from services.evaluation.domain.evaluate import AsOf, evaluate
from services.evaluation.domain.facts import Fact, facts_of
from services.evaluation.domain.results import UnitCompliance
from services.evaluation.domain.rulebook import RuleBook
from services.evaluation.domain.units import BranchView, UnionView
from shared.clock import local_date, start_of_day
from shared.contracts.membership import UnitClosed, UnitDatesCorrected, UnitMoved, UnitRegistered, UnitRenamed
from shared.contracts.org import UnitLevel, UnitType
from shared.events import REGISTRY, Envelope

HISTORY_SERVICES = ("membership", "planning", "evaluation")
"""The histories compliance is computed from, in the order they are applied."""


@dataclass(frozen=True, slots=True)
class _Unit:
    unit_id: str
    parent_id: str | None
    path: str
    name: str
    level: UnitLevel
    unit_type: UnitType
    registered_at: datetime
    closed_at: datetime | None = None


@dataclass(slots=True)
class Rebuild:
    """The org tree and the facts, from events applied in each service's history order."""

    units: dict[str, _Unit] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    applied: int = 0

    def apply(self, event: Envelope) -> None:
        self.applied += 1
        p = event.payload
        if isinstance(p, UnitRegistered):
            if p.unit_id not in self.units:
                self.units[p.unit_id] = _Unit(
                    p.unit_id, p.parent_id, event.unit_path, p.name, p.level, p.unit_type, event.occurred_at
                )
            return
        if isinstance(p, UnitRenamed):
            if p.unit_id in self.units:
                self.units[p.unit_id] = replace(self.units[p.unit_id], name=p.name)
            return
        if isinstance(p, UnitClosed):
            if p.unit_id in self.units:
                self.units[p.unit_id] = replace(self.units[p.unit_id], closed_at=event.occurred_at)
            return
        if isinstance(p, UnitDatesCorrected):
            if p.unit_id in self.units:
                unit = self.units[p.unit_id]
                closed = start_of_day(p.closed_on) if p.closed_on and unit.closed_at else unit.closed_at
                self.units[p.unit_id] = replace(
                    unit, registered_at=start_of_day(p.established_on), closed_at=closed
                )
            return
        if isinstance(p, UnitMoved):
            self._move(p)
            return
        for fact in facts_of(event):
            self.facts.setdefault(fact.fact_id, fact)

    def _move(self, p: UnitMoved) -> None:
        unit, parent = self.units.get(p.unit_id), self.units.get(p.new_parent_id)
        if unit is None or parent is None:
            return
        old, new = unit.path, f"{parent.path}.{p.unit_id}"
        for key, other in list(self.units.items()):
            if other.path == old or other.path.startswith(old + "."):
                moved = replace(other, path=new + other.path[len(old) :])
                self.units[key] = replace(moved, parent_id=p.new_parent_id) if key == p.unit_id else moved

    def unions(self, under: str | None = None) -> list[str]:
        root = self.units.get(under) if under else None
        return sorted(
            (u.unit_id for u in self.units.values() if u.level is UnitLevel.GRASSROOTS
             and (root is None or u.path == root.path or u.path.startswith(root.path + "."))),
            key=lambda unit_id: self.units[unit_id].path,
        )  # fmt: skip

    def union_facts(self) -> dict[str, list[Fact]]:
        """The facts of every union: those of its units, and the follow-ups of its transfers."""
        union_of: dict[str, str] = {}
        for unit in self.units.values():
            for part in unit.path.split("."):
                owner = self.units.get(part)
                if owner is not None and owner.level is UnitLevel.GRASSROOTS:
                    union_of[unit.unit_id] = part
        by_union: dict[str, dict[str, Fact]] = defaultdict(dict)
        by_subject: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.facts.values():
            if fact.unit_id in union_of:
                by_union[union_of[fact.unit_id]][fact.fact_id] = fact
            if fact.kind in ("transfer_accepted", "transfer_released"):
                by_subject[fact.subject].append(fact)
        for found in by_union.values():
            for fact in [f for f in found.values() if f.kind == "transfer_requested"]:
                for follow in by_subject.get(fact.subject, ()):
                    found[follow.fact_id] = follow
        return {u: list(f.values()) for u, f in by_union.items()}

    def view(self, union_id: str) -> UnionView:
        union = self.units[union_id]
        below = sorted(
            (
                u
                for u in self.units.values()
                if u.path.startswith(union.path + ".") and u.level is UnitLevel.BRANCH
            ),
            key=lambda u: u.path,
        )
        branches = tuple(
            BranchView(
                u.unit_id,
                local_date(u.registered_at),
                local_date(u.closed_at) if u.closed_at else None,
                u.name,
            )
            for u in below
        )
        return UnionView(
            union_id, union.unit_type, branches, union.name, union.path, local_date(union.registered_at)
        )


def replay(
    events: Iterable[Envelope],
    book: RuleBook,
    as_of: AsOf,
    *,
    unit: str | None = None,
    year: int | None = None,
) -> list[UnitCompliance]:
    """Compliance of every union (or those under ``unit``) rebuilt from ``events``."""
    rebuild = Rebuild()
    for event in events:
        rebuild.apply(event)
    return evaluate_all(rebuild, book, as_of, unit=unit, year=year)


def evaluate_all(
    rebuild: Rebuild, book: RuleBook, as_of: AsOf, *, unit: str | None = None, year: int | None = None
) -> list[UnitCompliance]:
    facts = rebuild.union_facts()
    results = []
    for union_id in rebuild.unions(unit):
        view = rebuild.view(union_id)
        rules = book.for_path(view.path)
        chosen = year if year is not None else rules.year_of(as_of.day, view.unit_type)
        results.append(evaluate(rules, view, facts.get(union_id, []), chosen, as_of))
    return results


async def read_history(js: JetStreamContext, on_batch: Callable[[int], None] | None = None) -> Rebuild:
    """Every service's history from its JetStream copy, in order, applied to a fresh rebuild."""
    rebuild = Rebuild()
    for service in HISTORY_SERVICES:
        async for msg in read_stream(js, service, progress=on_batch):
            rebuild.apply(REGISTRY.decode(msg.data, prev_hash=msg.prev_hash, hash=msg.hash))
    return rebuild
