"""The demo generator: the unit tree, then each union's history, the same for the same seed.

Every union draws from its own random stream (seeded by the seed and the union's id), so a
union's history does not depend on how many unions come before it, and a nation-sized history
is produced one union at a time without holding it in memory.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from chudong.demo import names
from chudong.demo.scales import Scale
from chudong.unit_tree import TreeLine
from services.membership.domain.streams import unit_stream
from shared.clock import local_date, start_of_day
from shared.contracts import membership as ms
from shared.contracts.org import UnitLevel, UnitType
from shared.events import Event

T = TypeVar("T")

# Shares of union profiles: most do the work, some slip near a deadline, some fail a criterion.
PROFILES = (("exemplary", 0.62), ("steady", 0.18), ("slipping", 0.10), ("struggling", 0.10))
UNIT_TYPES = (
    (UnitType.COMMUNE_WARD, 0.45),
    (UnitType.SCHOOL, 0.15),
    (UnitType.ENTERPRISE, 0.15),
    (UnitType.STATE_AGENCY, 0.20),
    (UnitType.ARMED_FORCES, 0.05),
)


@dataclass(frozen=True, slots=True)
class DemoEvent:
    """One event of the demo history, as the owning service would record it.

    ``personal`` holds the plaintext personal fields of a member's record: whoever records the
    event seals them (the HTTP command does it in membership; the direct loader with membership's
    key ring), so the stored events are the same either way.
    """

    service: str
    stream_id: str
    payload: Event
    unit_path: str
    occurred_at: datetime
    personal: dict[str, Any] | None = None

    def canonical(self) -> bytes:
        """The bytes the digest covers: everything the generator decided, in a stable form."""
        body = {
            "service": self.service,
            "stream": self.stream_id,
            "type": self.payload.event_type,
            "path": self.unit_path,
            "at": self.occurred_at.isoformat(),
            "payload": self.payload.model_dump(mode="json"),
            "personal": self.personal,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False).encode()


@dataclass(frozen=True, slots=True)
class UnionPlan:
    """A grassroots union to generate: where it sits, what kind it is, how it behaves."""

    unit_id: str
    path: str
    name: str
    unit_type: UnitType
    recognising_unit_id: str
    profile: str
    faults: tuple[str, ...]
    branches: tuple[tuple[str, int], ...]  # (branch id, members at the start)

    def branch_name(self, index: int) -> str:
        return f"Chi đoàn {index + 1} — {self.name.removeprefix('Đoàn cơ sở ')}"


@dataclass
class Generator:
    """``chudong demo``'s history: ``years`` years up to ``until``, drawn from ``seed``."""

    scale: Scale
    years: int
    seed: int
    until: date
    founded: date = field(init=False)

    def __post_init__(self) -> None:
        if self.years < 1:
            raise ValueError("years must be at least 1")
        # A history starts with the first evaluation year; school years start the September before.
        self.founded = date(self.until.year - self.years, 8, 1)

    def rng(self, *key: object) -> random.Random:
        return random.Random(":".join(str(k) for k in (self.seed, *key)))

    def provinces(self) -> list[tuple[str, str]]:
        return list(names.PROVINCES[: self.scale.provinces])

    def unions(self) -> Iterator[UnionPlan]:
        """Every union of the tree, province by province."""
        for code, _ in self.provinces():
            for n in range(self.scale.unions):
                yield self._union(code, n)

    def _union(self, province: str, n: int) -> UnionPlan:
        unit_id = f"{province}-dcs{n + 1:03d}"
        rng = self.rng("union", unit_id)
        if self.scale.districts:
            district = f"{province}-h{n % self.scale.districts + 1:02d}"
            parent_path, recogniser = f"vn.{province}.{district}", district
        else:
            parent_path, recogniser = f"vn.{province}", province
        profile = _choose(rng, PROFILES)
        unit_type = _choose(rng, UNIT_TYPES)
        faults: tuple[str, ...] = ()
        if profile == "struggling":
            faults = tuple(
                rng.sample(("meetings", "party_plan", "agreement", "roster", "transfers", "advice"), 2)
            )
        elif profile == "slipping":
            faults = tuple(rng.sample(("ratings", "review", "self_assessment", "meeting_now"), 2))
        elif profile == "steady":
            faults = ("no_training",)
        count = rng.randint(*self.scale.branches)
        branches = tuple((f"{unit_id}-cd{b + 1:02d}", rng.randint(*self.scale.members)) for b in range(count))
        kind = {
            UnitType.COMMUNE_WARD: "xã",
            UnitType.SCHOOL: "Trường",
            UnitType.ENTERPRISE: "Công ty",
            UnitType.STATE_AGENCY: "Cơ quan",
            UnitType.ARMED_FORCES: "Đơn vị",
        }.get(unit_type, "")
        name = f"Đoàn cơ sở {kind} {rng.choice(names.GIVEN)} {n + 1}"
        return UnionPlan(
            unit_id, f"{parent_path}.{unit_id}", name, unit_type, recogniser, profile, faults, branches
        )

    def tree(self) -> Iterator[DemoEvent]:
        """The registrations of the provinces and districts (the root ``vn`` exists already)."""
        on = start_of_day(self.founded)
        for code, title in self.provinces():
            yield _unit(
                code, f"Tỉnh đoàn {title}", UnitLevel.PROVINCE, UnitType.OTHER, "vn", f"vn.{code}", on
            )
            for d in range(self.scale.districts):
                district = f"{code}-h{d + 1:02d}"
                yield _unit(
                    district,
                    _district_name(d),
                    UnitLevel.DISTRICT,
                    UnitType.OTHER,
                    code,
                    f"vn.{code}.{district}",
                    on,
                )

    def outline(self, branches: bool) -> Iterator[TreeLine]:
        """The tree the history registers, from the provinces down (to the branches if ``branches``)."""
        for code, title in self.provinces():
            yield TreeLine(code, UnitLevel.PROVINCE.value, f"Tỉnh đoàn {title}", 0)
            for d in range(self.scale.districts or 1):
                if self.scale.districts:
                    district = f"{code}-h{d + 1:02d}"
                    yield TreeLine(district, UnitLevel.DISTRICT.value, _district_name(d), 1)
                for n in range(d, self.scale.unions, self.scale.districts or 1):
                    union = self._union(code, n)
                    depth = 2 if self.scale.districts else 1
                    note = "" if branches else f"{len(union.branches)} branches"
                    yield TreeLine(union.unit_id, UnitLevel.GRASSROOTS.value, union.name, depth, note)
                    if branches:
                        for i, (branch, _) in enumerate(union.branches):
                            yield TreeLine(branch, UnitLevel.BRANCH.value, union.branch_name(i), depth + 1)

    def union_history(self, union: UnionPlan) -> list[DemoEvent]:
        """The union, its branches and everything they record, in the order it happened."""
        from chudong.demo.life import UnionLife

        return UnionLife(self, union).history()

    def events(self) -> Iterator[DemoEvent]:
        yield from self.tree()
        for union in self.unions():
            yield from self.union_history(union)


def _unit(
    unit_id: str,
    name: str,
    level: UnitLevel,
    unit_type: UnitType,
    parent: str,
    path: str,
    on: datetime,
    recogniser: str | None = None,
) -> DemoEvent:
    payload = ms.UnitRegistered(
        unit_id=unit_id,
        name=name,
        level=level,
        unit_type=unit_type,
        parent_id=parent,
        recognising_unit_id=recogniser,
        established_on=local_date(on),  # founded then, as membership records a dated registration
    )
    return DemoEvent("membership", unit_stream(unit_id), payload, path, on)


def _district_name(d: int) -> str:
    label = names.DISTRICTS[d % len(names.DISTRICTS)]
    return f"Huyện đoàn {label}" + (f" {d + 1}" if d >= len(names.DISTRICTS) else "")


def _choose(rng: random.Random, weighted: Iterable[tuple[T, float]]) -> T:
    options = list(weighted)
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


def digest(events: Iterable[DemoEvent]) -> str:
    """SHA-256 over the canonical form of every event, in order: equal digests, equal histories."""
    h = hashlib.sha256()
    for event in events:
        h.update(event.canonical())
        h.update(b"\n")
    return h.hexdigest()
