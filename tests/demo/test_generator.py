"""The demo generator: deterministic, realistic, and with a spread of outcomes the evaluation explains."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter
from datetime import date, timedelta

import pytest

from chudong.demo import SCALES, Generator, digest
from chudong.demo.commands import command_for
from chudong.demo.generator import DemoEvent, UnionPlan
from chudong.unit_tree import by_path, render
from services.evaluation.domain.evaluate import AsOf, BranchView, UnionView, evaluate
from services.evaluation.domain.explain import explain
from services.evaluation.domain.facts import facts_of
from services.evaluation.domain.results import UnitCompliance
from services.evaluation.domain.rulebook import RuleBook
from shared.clock import local_date
from shared.contracts import membership as ms
from shared.contracts import planning as pl
from shared.contracts.member_status import MemberStatus, status_change
from shared.events import Envelope

UNTIL = date(2026, 11, 27)


def unit_scale(seed: int = 7, years: int = 2) -> Generator:
    return Generator(SCALES["unit"], years, seed, UNTIL)


def test_the_same_seed_gives_the_same_events_in_another_process() -> None:
    here = digest(unit_scale().events())
    code = (
        "from datetime import date; from chudong.demo import SCALES, Generator, digest; "
        "print(digest(Generator(SCALES['unit'], 2, 7, date(2026, 11, 27)).events()))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert there.stdout.strip() == here


def test_another_seed_gives_another_history() -> None:
    assert digest(unit_scale(seed=7).events()) != digest(unit_scale(seed=8).events())


def test_a_union_history_does_not_depend_on_the_unions_before_it() -> None:
    generator = unit_scale()
    last = list(generator.unions())[-1]
    assert digest(generator.union_history(last)) == digest(unit_scale().union_history(last))


def test_nothing_happens_after_the_last_day() -> None:
    events = list(unit_scale().events())
    assert max(e.occurred_at.date() for e in events if e.payload.event_type != "ActivityScheduled") <= UNTIL
    # An activity is scheduled two weeks ahead, and dated (as planning dates it) the day it is for.
    scheduled = [e.payload.scheduled_on for e in events if isinstance(e.payload, pl.ActivityScheduled)]
    assert max(scheduled) <= UNTIL + timedelta(days=14)


def test_scales_have_the_sizes_of_the_domain() -> None:
    province = Generator(SCALES["province"], 1, 1, UNTIL)
    unions = list(province.unions())
    branches = sum(len(u.branches) for u in unions)
    assert len(unions) == 320
    assert 4_500 <= branches <= 5_500
    nation = Generator(SCALES["nation"], 1, 1, UNTIL)
    assert 29_000 <= SCALES["nation"].provinces * SCALES["nation"].unions <= 31_000
    assert len(list(nation.tree())) == 34  # the provinces; after the 2025 reform, no district tier


def test_every_event_has_the_http_command_that_records_it() -> None:
    kinds: Counter[str] = Counter()
    for event in unit_scale().events():
        command = command_for(event)
        kinds[command.service] += 1
        assert command.path.startswith("/")
    assert set(kinds) == {"membership", "planning", "evaluation"}


def _compliance(generator: Generator, union: UnionPlan, year: int) -> UnitCompliance:
    facts = []
    for i, e in enumerate(generator.union_history(union)):
        facts += facts_of(_envelope(e, i))
    view = UnionView(
        union.unit_id, union.unit_type, tuple(BranchView(b, union.established_on) for b, _ in union.branches)
    )
    return evaluate(RuleBook.load().default, view, facts, year, AsOf(generator.until))


def _envelope(e: DemoEvent, position: int) -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(),
        type=e.payload.event_type,
        schema_version=e.payload.schema_version,
        service=e.service,
        stream_id=e.stream_id,
        stream_version=1,
        position=position,
        unit_path=e.unit_path,
        occurred_at=e.occurred_at,
        recorded_at=e.occurred_at,
        actor="demo",
        correlation_id="demo",
        payload=e.payload,
    )


@pytest.mark.parametrize("profile", ["exemplary", "struggling"])
def test_outcomes_follow_the_union_profile_with_their_reasons(profile: str) -> None:
    generator = unit_scale()
    unions = [u for u in generator.unions() if u.profile == profile and u.unit_type.value != "school"]
    assert unions, f"the unit scale has a {profile} union"
    for union in unions:
        result = _compliance(generator, union, UNTIL.year - 1)
        text = explain(result)
        if profile == "exemplary":
            assert result.status.value == "pass", text
        else:
            assert result.status.value == "fail", text
            failing = [
                i.indicator_id
                for c in result.criteria
                for i in c.indicators
                if i.core and i.status.value == "fail"
            ]
            assert failing, text


# Commands membership refuses for a member between two branches (``require_active``).
NEEDS_A_BRANCH = {
    "TrainingProgrammeRegistered",
    "TrainingProgrammeEvaluated",
    "MemberRated",
    "MemberInactivityReviewed",
    "YouthRecruited",
    "PartyReferral",
    "MemberTransferRequested",
}


@pytest.mark.parametrize("seed", [1, 7])
def test_member_histories_are_ones_membership_records_over_http(seed: int) -> None:
    """No command for a member between two branches (the HTTP load stopped on one with a 409), and a
    transfer accepted is recorded in the branch that accepts, as membership records it (the members'
    list of a branch reads the member's path)."""
    events = list(Generator(SCALES["unit"], 2, seed, date(2026, 12, 7)).events())
    paths = {e.payload.unit_id: e.unit_path for e in events if isinstance(e.payload, ms.UnitRegistered)}
    moving: set[str] = set()
    refused, misplaced = [], []
    for event in events:
        member = event.stream_id.removeprefix("member-")
        name = type(event.payload).__name__
        if member in moving and name in NEEDS_A_BRANCH:
            refused.append((member, name, event.occurred_at.date()))
        payload = event.payload
        if isinstance(payload, ms.MemberTransferAccepted) and event.unit_path != paths[payload.to_branch_id]:
            misplaced.append((member, event.unit_path))
        if (change := status_change(event.payload)) is not None:
            (moving.add if change.status is MemberStatus.IN_TRANSFER else moving.discard)(member)
    assert refused == [] and misplaced == []


def test_a_rating_command_carries_the_day_in_vietnam_it_was_given() -> None:
    ratings = [e for e in unit_scale().events() if e.payload.event_type == "MemberRated"]
    assert ratings
    for event in ratings[:200]:
        assert command_for(event).body["rated_on"] == local_date(event.occurred_at).isoformat()


CURRENT_YEAR_OUTCOME = {"exemplary": "pass", "steady": "pass", "slipping": "at_risk", "struggling": "fail"}


@pytest.mark.parametrize("seed", [7, 12, 14])
def test_late_in_the_current_year_most_pass_slipping_unions_are_at_risk_and_struggling_ones_fail(
    seed: int,
) -> None:
    generator = unit_scale(seed=seed, years=1)
    for union in generator.unions():
        if union.unit_type.value == "school":
            continue  # its year began in September
        result = _compliance(generator, union, UNTIL.year)
        assert result.status.value == CURRENT_YEAR_OUTCOME[union.profile], (union.profile, explain(result))


@pytest.mark.parametrize("scale", ["unit", "province"])
def test_the_printed_tree_is_the_tree_the_history_registers(scale: str) -> None:
    generator = Generator(SCALES[scale], 1, 3, UNTIL)
    branches = scale == "unit"
    printed = [(line.unit_id, line.level, line.name) for line in generator.outline(branches=branches)]
    registered = [
        (e.payload.unit_id, e.payload.level.value, e.payload.name)
        for e in (generator.events() if branches else generator.tree())
        if isinstance(e.payload, ms.UnitRegistered)
    ]
    if not branches:  # the unions' registrations without generating their histories
        registered += [(u.unit_id, "grassroots", u.name) for u in generator.unions()]
    assert sorted(printed) == sorted(registered)


def test_a_tree_is_printed_in_tree_order_each_unit_under_its_parent() -> None:
    rows = [
        ("bg-x", "province", "Tỉnh đoàn X", "vn.bg-x", ""),
        ("bg-h01", "district", "Huyện đoàn Yên Dũng", "vn.bg.bg-h01", ""),
        ("bg", "province", "Tỉnh đoàn Bắc Giang", "vn.bg", ""),
        ("bg-dcs001", "grassroots", "Đoàn cơ sở 1", "vn.bg.bg-h01.bg-dcs001", "closed"),
    ]
    assert list(render(by_path(rows))) == [
        "bg  [province]  Tỉnh đoàn Bắc Giang",
        "  bg-h01  [district]  Huyện đoàn Yên Dũng",
        "    bg-dcs001  [grassroots]  Đoàn cơ sở 1  (closed)",
        "bg-x  [province]  Tỉnh đoàn X",
    ]


def test_units_are_registered_with_the_day_the_history_founds_them() -> None:
    """Over the store or over HTTP, a unit counts from its founding day, not from the day it is loaded."""
    registrations = [e for e in unit_scale().events() if isinstance(e.payload, ms.UnitRegistered)]
    assert registrations
    for event in registrations:
        payload = event.payload
        assert isinstance(payload, ms.UnitRegistered) and payload.established_on is not None
        assert payload.established_on == local_date(event.occurred_at)
        assert command_for(event).body["established_on"] == payload.established_on.isoformat()


def test_units_are_founded_before_anything_is_recorded_in_them() -> None:
    """Membership and planning refuse a record dated before its unit was founded: the demo's unions and
    branches are registered with founding days before any member the history starts with joined."""
    generator = unit_scale()
    tree = {
        e.payload.unit_id: e.payload for e in generator.tree() if isinstance(e.payload, ms.UnitRegistered)
    }
    for union in generator.unions():
        history = generator.union_history(union)
        registered = {
            e.payload.unit_id: e.payload for e in history if isinstance(e.payload, ms.UnitRegistered)
        }
        assert set(registered) == {union.unit_id, *(b for b, _ in union.branches)}
        parent = tree[union.path.split(".")[-2]]
        assert parent.established_on is not None and parent.established_on <= union.established_on
        for unit in registered.values():
            assert unit.established_on == union.established_on
        for event in history:
            assert local_date(event.occurred_at) >= union.established_on, event
            if isinstance(event.payload, ms.MemberJoined):
                assert event.payload.joined_on >= union.established_on


def _fold_branches(history: list[DemoEvent]) -> list[tuple[DemoEvent, dict[str, tuple[str, MemberStatus]]]]:
    """Each event with every member's branch and status as membership holds them when it is recorded."""
    members: dict[str, tuple[str, MemberStatus]] = {}
    folded = []
    for event in history:
        folded.append((event, dict(members)))
        p = event.payload
        if isinstance(p, ms.MemberJoined):
            members[p.member_id] = (p.branch_id, MemberStatus.ACTIVE)
        elif isinstance(p, ms.MemberTransferAccepted):
            members[p.member_id] = (p.to_branch_id, members[p.member_id][1])
        if (change := status_change(p)) is not None and hasattr(p, "member_id"):
            members[p.member_id] = (members[p.member_id][0], change.status)
    return folded


@pytest.mark.parametrize("seed", [1, 7])
def test_a_roster_review_carries_the_count_membership_makes_when_it_is_recorded(seed: int) -> None:
    """Membership counts the members on the branch's list (those between two branches too), so the
    count the direct path stores is the one the HTTP command gets."""
    generator = Generator(SCALES["unit"], 2, seed, UNTIL)
    reviews = 0
    for union in generator.unions():
        for event, members in _fold_branches(generator.union_history(union)):
            if isinstance(event.payload, ms.BranchRosterReviewed):
                reviews += 1
                on_rolls = [
                    m for m, (branch, status) in members.items()
                    if branch == event.payload.branch_id and status.on_rolls
                ]  # fmt: skip
                assert event.payload.active_members == len(on_rolls), event
    assert reviews > 0


@pytest.mark.parametrize("seed", range(1, 7))
def test_a_member_s_records_are_made_in_the_branch_they_are_in_that_day(seed: int) -> None:
    """Including those generated before a move that came earlier in the year (an extension, say)."""
    generator = Generator(SCALES["unit"], 2, seed, date(2026, 12, 7))
    for union in generator.unions():
        history = generator.union_history(union)
        paths = {e.payload.unit_id: e.unit_path for e in history if isinstance(e.payload, ms.UnitRegistered)}
        for event, members in _fold_branches(history):
            p = event.payload
            member = getattr(p, "member_id", None) or getattr(p, "recruiter_member_id", None)
            if member is None or member not in members or isinstance(p, ms.MemberTransferAccepted):
                continue
            branch = members[member][0]
            assert event.unit_path == paths[branch], event
            if isinstance(p, ms.YouthRecruited):
                assert p.unit_id == branch
