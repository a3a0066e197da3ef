"""For random member lifecycles that membership's rules allow, evaluation counts as active exactly the
members membership's own aggregate says are active, on every unit (hypothesis).

Both sides of evaluation are checked: the live member-count projection, fed the events in any order
and in batches of any size (as partitioned replicas may see them), and the roster its indicators
count by, on any day (as it happened by then).
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.evaluation.adapters.member_counts import MemberCountProjection, active_members
from services.evaluation.adapters.member_counts import metadata as counts_metadata
from services.evaluation.domain.facts import Fact, facts_of
from services.evaluation.domain.roster import active
from services.evaluation.domain.units import BranchView, UnionView
from services.membership.domain import lifecycle
from services.membership.domain.member import Member, MemberStatus
from shared.clock import start_of_day
from shared.contracts import membership as ms
from shared.contracts.org import OrgUnit, UnitLevel, UnitStatus, UnitType
from shared.errors import DomainError
from shared.events import Envelope, Event
from shared.orgtree import OrgTreeProjection
from shared.store import Database

TODAY = date(2026, 11, 27)
START = date(2025, 1, 1)
# Two provinces; the first with two unions (one with two branches), the second with one.
UNITS = {
    "vn": ("vn", None, UnitLevel.CENTRAL),
    "p1": ("vn.p1", "vn", UnitLevel.PROVINCE),
    "d1": ("vn.p1.d1", "p1", UnitLevel.DISTRICT),
    "u1": ("vn.p1.d1.u1", "d1", UnitLevel.GRASSROOTS),
    "u1-b1": ("vn.p1.d1.u1.u1-b1", "u1", UnitLevel.BRANCH),
    "u1-b2": ("vn.p1.d1.u1.u1-b2", "u1", UnitLevel.BRANCH),
    "u2": ("vn.p1.d1.u2", "d1", UnitLevel.GRASSROOTS),
    "u2-b1": ("vn.p1.d1.u2.u2-b1", "u2", UnitLevel.BRANCH),
    "p2": ("vn.p2", "vn", UnitLevel.PROVINCE),
    "d2": ("vn.p2.d2", "p2", UnitLevel.DISTRICT),
    "u3": ("vn.p2.d2.u3", "d2", UnitLevel.GRASSROOTS),
    "u3-b1": ("vn.p2.d2.u3.u3-b1", "u3", UnitLevel.BRANCH),
}
BRANCHES = [u for u, (_, _, level) in UNITS.items() if level is UnitLevel.BRANCH]
UNIONS = [u for u, (_, _, level) in UNITS.items() if level is UnitLevel.GRASSROOTS]
# A transfer is requested and taken some steps at once; each step may also come alone, later.
ACTIONS = ("admit", "transfer", "release", "accept", "return", "mature", "strike", "expel", "reprimand")
STAGES = ((), ("release",), ("release", "accept"), ("release", "return"))
Op = tuple[
    str, int, int, int, int, int
]  # action, member, branch, days after the previous op, backdated, stage


def _branch(unit_id: str) -> OrgUnit:
    path, parent, level = UNITS[unit_id]
    return OrgUnit(unit_id, parent, path, unit_id, level, UnitType.COMMUNE_WARD, UnitStatus.ACTIVE, None,
                   datetime(2024, 1, 1, tzinfo=UTC), None)  # fmt: skip


@dataclass
class History:
    """Membership's side: each member's aggregate, and the events recorded, in order."""

    members: dict[str, Member] = field(default_factory=dict)
    events: list[tuple[Envelope, date]] = field(default_factory=list)

    def record(self, member_id: str, event: Event, on: date) -> None:
        member = self.members.get(member_id)
        if member is None:
            member = Member.from_history([event])
            assert member is not None
            self.members[member_id] = member
        else:
            member.apply(event)
        branch = event.to_branch_id if isinstance(event, ms.MemberTransferAccepted) else member.branch_id
        recorded = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(seconds=len(self.events))
        envelope = Envelope(
            event_id=uuid.uuid4(), type=event.event_type, schema_version=1, service="membership",
            stream_id=f"member-{member_id}", stream_version=member.version, position=len(self.events) + 1,
            unit_path=UNITS[branch][0], occurred_at=start_of_day(on), recorded_at=recorded, actor="tests",
            correlation_id="tests", payload=event,
        )  # fmt: skip
        self.events.append((envelope, on))


def _joined(member_id: str, branch: str, on: date) -> ms.MemberJoined:
    return ms.MemberJoined(member_id=member_id, branch_id=branch, joined_on=on, admission_decision_ref="QĐ")


def _decide(member: Member | None, action: str, member_id: str, branch: str, on: date) -> Event | None:
    """What membership's rules decide for the action, or None where they refuse it."""
    if action == "admit":
        if member is not None:
            return None  # re-admission under the same id is refused (member_exists)
        return ms.MemberJoined(
            member_id=member_id, branch_id=branch, joined_on=on, admission_decision_ref="QĐ"
        )
    if member is None:
        return None
    transfer = member.transfer.transfer_id if member.transfer else "none"
    destination = _branch(member.transfer.to_branch_id) if member.transfer else None
    decisions: dict[str, Callable[[], Event]] = {
        "transfer": lambda: lifecycle.request_transfer(
            member, transfer_id=f"t-{on}", to_branch=_branch(branch), to_branch_id=branch, on=on, today=TODAY
        ),
        "release": lambda: lifecycle.release_transfer(member, transfer_id=transfer, on=on, today=TODAY),
        "accept": lambda: lifecycle.accept_transfer(
            member, transfer_id=transfer, to_branch=destination, on=on, today=TODAY
        ),
        "return": lambda: lifecycle.return_transfer(
            member, transfer_id=transfer, to_branch=destination, on=on, reason="x", today=TODAY
        ),
        "mature": lambda: lifecycle.mature(member, on=on, birth_date=None, today=TODAY),
        "strike": lambda: lifecycle.strike_off(member, on=on, reason="x", today=TODAY),
        "expel": lambda: lifecycle.discipline(
            member, level=ms.DisciplineLevel.EXPULSION, decision_ref="x", on=on, today=TODAY
        ),
        "reprimand": lambda: lifecycle.discipline(
            member, level=ms.DisciplineLevel.REPRIMAND, decision_ref="x", on=on, today=TODAY
        ),
    }
    try:
        return decisions[action]()
    except DomainError:
        return None


def _history(admitted: list[int], ops: list[Op]) -> History:
    history, day = History(), START
    for index, branch_index in enumerate(admitted):
        history.record(f"m{index}", _joined(f"m{index}", BRANCHES[branch_index], START), START)
    for action, member_index, branch_index, step, back, stage in ops:
        # Mostly in the order they happened; some recorded later than others dated after them.
        day += timedelta(days=step)
        member_id, on = f"m{member_index}", day - timedelta(days=back)
        for part in (action, *STAGES[stage]) if action == "transfer" else (action,):
            event = _decide(history.members.get(member_id), part, member_id, BRANCHES[branch_index], on)
            if event is None:
                break
            history.record(member_id, event, on)
    return history


def _membership_counts(members: list[Member]) -> dict[str, int]:
    """Membership's rule: a member counts, in their branch and every unit above it, while active."""
    counts = dict.fromkeys(UNITS, 0)
    for member in members:
        if member.status is MemberStatus.ACTIVE:
            for unit in UNITS[member.branch_id][0].split("."):
                counts[unit] += 1
    return counts


def _as_of(history: History, day: date) -> list[Member]:
    """Each member as membership's aggregate stands after the events that happened by ``day``."""
    by_member: dict[str, list[Event]] = {}
    for envelope, on in history.events:
        if on <= day:
            by_member.setdefault(envelope.stream_id, []).append(envelope.payload)
    return [m for events in by_member.values() if (m := Member.from_history(events)) is not None]


def _roster_counts(facts: list[Fact], day: date) -> dict[str, int]:
    by_kind: dict[str, list[Fact]] = {}
    for fact in facts:
        by_kind.setdefault(fact.kind, []).append(fact)
    counts = {}
    for union in UNIONS:
        branches = tuple(BranchView(b, START) for b in BRANCHES if UNITS[b][1] == union)
        counts[union] = len(active(by_kind, day, UnionView(union, UnitType.COMMUNE_WARD, branches)))
    return counts


async def _live_counts(envelopes: list[Envelope], batches: list[int]) -> dict[str, int]:
    """The member-count projection fed ``envelopes`` in the given order, in batches of the given sizes."""
    with tempfile.TemporaryDirectory() as directory:
        db = Database(f"sqlite+aiosqlite:///{Path(directory) / 'evaluation.db'}")
        try:
            await db.create_all(counts_metadata, OrgTreeProjection.metadata)
            tree = OrgTreeProjection()
            async with db.transaction() as conn:
                for unit_id, (path, parent, level) in UNITS.items():
                    payload = ms.UnitRegistered(
                        unit_id=unit_id,
                        name=unit_id,
                        level=level,
                        unit_type=UnitType.COMMUNE_WARD,
                        parent_id=parent,
                    )
                    await tree.apply(conn, _unit_envelope(payload, path))
            projection, start, sizes = MemberCountProjection(), 0, iter(batches)
            while start < len(envelopes):
                size = next(sizes, 500)
                async with db.transaction() as conn:
                    for envelope in envelopes[start : start + size]:
                        await projection.apply(conn, envelope)
                    await projection.flush(conn)
                start += size
            async with db.read() as conn:
                return {unit: await active_members(conn, path) for unit, (path, _, _) in UNITS.items()}
        finally:
            await db.dispose()


def _unit_envelope(payload: ms.UnitRegistered, path: str) -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(), type=payload.event_type, schema_version=1, service="membership",
        stream_id=f"unit-{payload.unit_id}", stream_version=1, position=1, unit_path=path,
        occurred_at=datetime(2024, 1, 1, tzinfo=UTC), recorded_at=datetime(2024, 1, 1, tzinfo=UTC),
        actor="tests", correlation_id="tests", payload=payload,
    )  # fmt: skip


admitted = st.lists(st.integers(0, len(BRANCHES) - 1), min_size=1, max_size=4)  # m0… admitted at the start
ops = st.lists(
    st.tuples(
        st.sampled_from(("transfer", "transfer", *ACTIONS)),
        st.integers(0, 5),
        st.integers(0, len(BRANCHES) - 1),
        st.integers(0, 20),
        st.sampled_from([0, 0, 0, 3, 40]),
        st.integers(0, len(STAGES) - 1),
    ),
    min_size=2,
    max_size=30,
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(admitted=admitted, ops=ops, data=st.data())
def test_evaluation_counts_as_active_the_members_membership_holds_active(
    admitted: list[int], ops: list[Op], data: st.DataObject
) -> None:
    history = _history(admitted, ops)
    envelopes = [e for e, _ in history.events]
    expected = _membership_counts(list(history.members.values()))

    order = data.draw(st.permutations(envelopes), label="order applied")
    batches = data.draw(st.lists(st.integers(1, 8), max_size=20), label="batch sizes")
    assert asyncio.run(_live_counts(order, batches)) == expected

    facts = [f for e in envelopes for f in facts_of(e)]
    day = START + timedelta(days=data.draw(st.integers(0, 700), label="as of"))
    then = _membership_counts(_as_of(history, day))
    assert _roster_counts(facts, day) == {u: then[u] for u in UNIONS}
    assert _roster_counts(facts, TODAY) == {u: expected[u] for u in UNIONS}


def test_a_maturity_recorded_after_a_transfer_but_dated_before_it_still_ends_the_membership() -> None:
    # m0 moves from u1-b1 to u1-b2 (accepted on day 5), then ages out, dated 40 days earlier: membership
    # now refuses it (outside_membership_dates), but a history recorded before it did may hold it.
    history = _history([0], [("transfer", 0, 1, 5, 0, 2)])
    early = START + timedelta(days=5 - 40)
    assert _decide(history.members["m0"], "mature", "m0", "u1-b2", early) is None
    history.record("m0", ms.MemberMatured(member_id="m0", matured_on=early), early)
    assert [e.type for e, _ in history.events][-2:] == ["MemberTransferAccepted", "MemberMatured"]
    assert history.members["m0"].status is MemberStatus.MATURED
    facts = [f for e, _ in history.events for f in facts_of(e)]
    assert _roster_counts(facts, TODAY)["u1"] == 0
    assert asyncio.run(_live_counts([e for e, _ in history.events], []))["u1"] == 0
