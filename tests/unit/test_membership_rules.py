"""Membership's rules at their edges, without I/O: ages, the six months before a rating, a member's folded state."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.membership.domain import lifecycle, records
from services.membership.domain.commands import AdmitMember
from services.membership.domain.member import Member, MemberStatus
from services.membership.domain.members import admit_member
from services.membership.domain.profile import Profile, age_on, birthday
from shared.contracts import membership as ev
from shared.contracts.member_stays import Stay, stay_on, stays_from, time_in_branches, time_there
from shared.contracts.org import OrgUnit, UnitLevel, UnitStatus, UnitType
from shared.contracts.personal import Sealed
from shared.errors import DomainError
from shared.events import Event

TODAY = date(2026, 11, 27)
BRANCH = OrgUnit(
    "b1",
    "g",
    "vn.g.b1",
    "Chi đoàn 1",
    UnitLevel.BRANCH,
    UnitType.SCHOOL,
    UnitStatus.ACTIVE,
    None,
    datetime(2000, 1, 1, tzinfo=UTC),
    None,
)
SEALED = Sealed(key_id="m1", nonce="", ciphertext="", fields=("full_name",))


def admit(
    birth: date = date(2000, 5, 10),
    joined: date = date(2026, 3, 26),
    referred_by: str | None = None,
    referrer_union_id: str | None = None,
) -> ev.MemberJoined:
    cmd = AdmitMember(
        branch_id="b1",
        joined_on=joined,
        admission_decision_ref="QĐ 1",
        profile=Profile(full_name="An", birth_date=birth),
        referred_by=referred_by,
    )
    return admit_member(
        cmd,
        member_id="m1",
        branch=BRANCH,
        member_exists=False,
        union_id="g",
        # A referrer in a branch since 2024: of union ``referrer_union_id`` on the admission day.
        referrer=Member("m0", "b0", date(2024, 1, 5), date(2024, 1, 5)) if referrer_union_id else None,
        referrer_union_id=referrer_union_id,
        today=TODAY,
        sealed=SEALED,
    )


def test_admission_is_open_from_the_16th_birthday_to_the_day_before_the_31st() -> None:
    assert admit(date(2010, 3, 26)).birth_year == 2010
    assert admit(date(1995, 3, 27)).missing_fields == ("gender", "ethnicity", "address")
    for birth in (date(2010, 3, 27), date(1995, 3, 26)):
        with pytest.raises(DomainError) as refused:
            admit(birth)
        assert refused.value.rule == "age_at_admission" and refused.value.field == "profile.birth_date"


def test_the_referrer_is_a_known_member_of_the_same_union() -> None:
    assert admit(referred_by="m0", referrer_union_id="g").referred_by == "m0"
    assert admit().referred_by is None
    with pytest.raises(DomainError) as unknown:
        admit(referred_by="m0")
    assert (unknown.value.status_code, unknown.value.rule) == (404, "unknown_referrer")
    with pytest.raises(DomainError) as elsewhere:
        admit(referred_by="m0", referrer_union_id="other")
    assert (elsewhere.value.rule, elsewhere.value.field) == ("referrer_of_another_union", "referred_by")
    assert "'g'" in (elsewhere.value.accepted or "")


def test_a_29_february_birthday_falls_on_28_february_in_common_years() -> None:
    assert birthday(date(2004, 2, 29), 30) == date(2034, 2, 28)
    assert (
        age_on(date(2004, 2, 29), date(2034, 2, 28)) == 29
    )  # the law counts the full year; the rule allows the 28th


def member(**changes: object) -> Member:
    state = Member("m1", "b1", date(2025, 5, 31), date(2025, 5, 31), birth_year=1996)
    for name, value in changes.items():
        setattr(state, name, value)
    return state


def test_extension_may_reach_but_never_pass_the_35th_birthday() -> None:
    born = date(1996, 8, 15)
    assert lifecycle.extend(
        member(), until=date(2031, 8, 15), reason="cán bộ", birth_date=born
    ).until == date(2031, 8, 15)
    with pytest.raises(DomainError, match="35th birthday") as refused:
        lifecycle.extend(member(), until=date(2031, 8, 16), reason="cán bộ", birth_date=born)
    assert refused.value.accepted == "a date on or before 2031-08-15"


def test_a_rating_needs_six_full_months_in_the_branch_counting_from_a_transfer() -> None:
    rating = ev.Rating.GOOD
    assert records.rate(member(), year=2025, rating=rating, on=date(2025, 11, 30), today=TODAY).year == 2025
    with pytest.raises(DomainError, match="under 6 months"):
        records.rate(member(), year=2025, rating=rating, on=date(2025, 11, 29), today=TODAY)
    moved = member(
        branch_id="b2",
        in_branch_since=date(2026, 8, 31),
        stays=(Stay("b1", date(2025, 5, 31), date(2026, 8, 20)), Stay("b2", date(2026, 8, 31))),
    )
    with pytest.raises(DomainError) as refused:
        records.rate(moved, year=2026, rating=rating, on=date(2026, 12, 20), today=date(2026, 12, 31))
    assert refused.value.accepted == "a date on or after 2027-02-28"


def test_a_members_state_is_folded_from_their_events() -> None:
    history: list[Event] = [
        ev.MemberJoined(
            member_id="m1", branch_id="b1", joined_on=date(2024, 1, 5), admission_decision_ref="QĐ"
        ),
        ev.MemberTransferRequested(
            member_id="m1",
            transfer_id="t1",
            from_branch_id="b1",
            to_branch_id="b2",
            requested_on=date(2026, 1, 2),
        ),
        ev.MemberTransferReleased(member_id="m1", transfer_id="t1", released_on=date(2026, 1, 3)),
    ]
    in_transfer = Member.from_history(history)
    assert (
        in_transfer is not None
        and in_transfer.status is MemberStatus.IN_TRANSFER
        and in_transfer.version == 3
    )
    history.append(
        ev.MemberTransferAccepted(
            member_id="m1", transfer_id="t1", to_branch_id="b2", accepted_on=date(2026, 1, 9)
        )
    )
    history.append(ev.DuesPaid(member_id="m1", month="2026-01", amount_vnd=2000))
    state = Member.from_history(history)
    assert state is not None
    assert (state.branch_id, state.in_branch_since, state.status) == (
        "b2",
        date(2026, 1, 9),
        MemberStatus.ACTIVE,
    )
    assert state.dues_months == {"2026-01"} and state.transfer is None and state.version == 5
    assert Member.from_history([]) is None


def test_a_members_time_in_each_branch_follows_their_transfers_returns_and_leaving() -> None:
    joined = ev.MemberJoined(
        member_id="m1", branch_id="b1", joined_on=date(2024, 1, 5), admission_decision_ref="QĐ"
    )
    history: list[Event] = [
        joined,
        ev.MemberTransferReleased(member_id="m1", transfer_id="t1", released_on=date(2025, 3, 1)),
        ev.MemberTransferReturned(
            member_id="m1", transfer_id="t1", returned_on=date(2025, 3, 10), reason="x"
        ),
        ev.MemberTransferReleased(member_id="m1", transfer_id="t2", released_on=date(2025, 6, 1)),
        ev.MemberTransferAccepted(
            member_id="m1", transfer_id="t2", to_branch_id="b2", accepted_on=date(2025, 6, 1)
        ),
        ev.MemberMatured(member_id="m1", matured_on=date(2026, 2, 1)),
    ]
    stays = stays_from(history)
    assert stays == (
        Stay("b1", date(2024, 1, 5), date(2025, 3, 1)),
        Stay("b1", date(2025, 3, 10), date(2025, 6, 1)),
        Stay("b2", date(2025, 6, 1), date(2026, 2, 1)),
    )
    state = Member.from_history(history)
    assert state is not None and state.stays == stays and state.last_step_on == date(2026, 2, 1)
    assert [state.branch_on(day) for day in (date(2024, 1, 5), date(2025, 5, 31), date(2025, 6, 1))] == [
        "b1",
        "b1",
        "b2",
    ]
    # Between two branches, and after leaving, in none: a record then is the member's own branch's.
    assert state.stay_on(date(2025, 3, 5)) is None and state.stay_on(date(2026, 2, 1)) is None
    assert stay_on(stays, date(2025, 7, 1), ["b1"]) is None
    assert time_in_branches(stays, ["b2"]) == "'b2' from 2025-06-01 until 2026-02-01"
    assert time_in_branches(stays, ["b3"]) == "never in 'b3'"
    # A transfer returned does not end the time in the branch: six months before a rating count from 2024.
    assert time_there(stays, stays[1]) == stays[:2] and time_there(stays, stays[2]) == stays[2:]
    returned = Member.from_history(history[:3])
    assert returned is not None
    rated = records.rate(returned, year=2025, rating=ev.Rating.GOOD, on=date(2025, 4, 1), today=TODAY)
    assert rated.year == 2025
