"""The demo generator: deterministic, realistic, and with a spread of outcomes the evaluation explains."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter
from datetime import date

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
    assert max(e.occurred_at.date() for e in unit_scale().events()) <= UNTIL


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
        union.unit_id, union.unit_type, tuple(BranchView(b, generator.founded) for b, _ in union.branches)
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
