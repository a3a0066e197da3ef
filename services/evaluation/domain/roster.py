"""The union's members at a date, rebuilt from facts (danh sách đoàn viên)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.evaluation.domain.facts import Fact

ROSTER_KINDS = ("member_joined", "transfer_accepted", "transfer_released", "member_left", "profile_updated")


@dataclass(slots=True)
class MemberState:
    member_id: str
    branch_id: str
    since: date
    active: bool = True
    missing_fields: int = 0
    birth_year: int = 0
    event_id: str = ""


def roster(facts: list[Fact], on: date) -> dict[str, MemberState]:
    """Every member seen in the union by ``on``, active or not; facts come sorted by date."""
    members: dict[str, MemberState] = {}
    for fact in facts:
        if fact.on > on:
            continue
        if fact.kind == "member_joined":
            members[fact.subject] = MemberState(
                fact.subject, fact.unit_id, fact.on, True, fact.number, fact.total, fact.event_id
            )
        elif fact.kind == "transfer_accepted":
            known = members.get(fact.tag)
            members[fact.tag] = MemberState(
                fact.tag,
                fact.unit_id,
                fact.on,
                True,
                known.missing_fields if known else 0,
                known.birth_year if known else 0,
                fact.event_id,
            )
        elif fact.kind in ("transfer_released", "member_left"):
            member = members.get(fact.tag if fact.kind == "transfer_released" else fact.subject)
            if member is not None:
                member.active = False
        elif fact.kind == "profile_updated" and fact.subject in members:
            member = members[fact.subject]
            member.missing_fields = fact.number
            member.birth_year = fact.total or member.birth_year
    return members


def roster_facts(by_kind: dict[str, list[Fact]]) -> list[Fact]:
    facts = [f for k in ROSTER_KINDS for f in by_kind.get(k, ())]
    return sorted(facts, key=lambda f: (f.on, f.recorded_at, f.fact_id))


def active(by_kind: dict[str, list[Fact]], on: date) -> list[MemberState]:
    return [m for m in roster(roster_facts(by_kind), on).values() if m.active]
