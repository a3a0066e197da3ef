"""The union's members at a date, rebuilt from facts (danh sách đoàn viên).

Each lifecycle fact says which member it is about and their status after it, as
membership classifies the event it comes from (``shared.contracts.member_status``):
:func:`status_of` is the one reading of that, for the roster here and for the live
member counts (``adapters/member_counts.py``), so evaluation counts a member active
exactly where membership lists them as active.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.evaluation.domain.facts import Fact
from services.evaluation.domain.units import UnionView
from shared.contracts.member_status import MemberStatus

ROSTER_KINDS = (
    "member_joined",
    "transfer_accepted",
    "transfer_released",
    "transfer_returned",
    "member_left",
    "profile_updated",
)

# The status after the event each kind comes from; ``member_left`` carries its own in the tag.
_STATUS_OF_KIND = {
    "member_joined": MemberStatus.ACTIVE,
    "transfer_released": MemberStatus.IN_TRANSFER,
    "transfer_accepted": MemberStatus.ACTIVE,
    "transfer_returned": MemberStatus.ACTIVE,
}


def status_of(fact: Fact) -> tuple[str, MemberStatus] | None:
    """The member a lifecycle fact is about and their status after it, in branch ``fact.unit_id``."""
    if fact.kind == "member_left":
        return fact.subject, MemberStatus(fact.tag)
    status = _STATUS_OF_KIND.get(fact.kind)
    if status is None:
        return None
    return (fact.subject if fact.kind == "member_joined" else fact.tag), status


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
    """Every member seen in the facts by ``on``, active or not; facts come in the order they were recorded."""
    members: dict[str, MemberState] = {}
    for fact in facts:
        if fact.on > on:
            continue
        if fact.kind == "profile_updated":
            if fact.subject in members:
                member = members[fact.subject]
                member.missing_fields = fact.number
                member.birth_year = fact.total or member.birth_year
            continue
        step = status_of(fact)
        if step is None:
            continue
        member_id, status = step
        known = members.get(member_id)
        if fact.kind == "member_joined":
            known = MemberState(
                member_id, fact.unit_id, fact.on, True, fact.number, fact.total, fact.event_id
            )
        elif known is None or known.branch_id != fact.unit_id:
            # In another branch (taken in by transfer) from this day, with what was known of them.
            known = MemberState(
                member_id,
                fact.unit_id,
                fact.on,
                True,
                known.missing_fields if known else 0,
                known.birth_year if known else 0,
                fact.event_id,
            )
        known.active = status is MemberStatus.ACTIVE
        members[member_id] = known
    return members


def roster_facts(by_kind: dict[str, list[Fact]]) -> list[Fact]:
    # In the order membership recorded them (each member's stream appends one event after the other),
    # not by date: a maturity dated before the transfer it followed still ends the membership, as there.
    facts = [f for k in ROSTER_KINDS for f in by_kind.get(k, ())]
    return sorted(facts, key=lambda f: (f.recorded_at, f.fact_id))


def active(by_kind: dict[str, list[Fact]], on: date, union: UnionView) -> list[MemberState]:
    """The union's active members on ``on``: a member who moved to a branch of another union is theirs."""
    branches = {b.unit_id for b in union.branches}
    return [m for m in roster(roster_facts(by_kind), on).values() if m.active and m.branch_id in branches]
