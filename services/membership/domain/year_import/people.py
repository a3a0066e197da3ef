"""The sheets of members: admissions (Đoàn viên), ratings (Xếp loại đoàn viên) and Party referrals.

Each row is decided by membership's own rules on the member as the workbook leaves them so far (their
history, with what earlier rows recorded), as the service will decide it when the row is sent; a member
already admitted, a year already rated and a referral already recorded send nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import ValidationError

from services.membership.domain import records
from services.membership.domain.commands import AdmitMember
from services.membership.domain.member import Member
from services.membership.domain.members import admit_member
from services.membership.domain.profile import Profile
from services.membership.domain.year_import.draft import Draft
from services.membership.domain.year_import.steps import Phase, derived_id
from services.membership.domain.year_import.workbook import Row
from shared.auth import Permission
from shared.contracts.membership import MemberJoined
from shared.contracts.org import UnitLevel
from shared.contracts.personal import Sealed
from shared.errors import DomainError
from shared.events import Event

MANAGE = Permission.MANAGE_MEMBERS
PROFILE_FIELDS = tuple(Profile.model_fields)
UNSEALED = Sealed(key_id="year-import-check", nonce="", ciphertext="", fields=())
"""The check decides on a profile in clear; the service seals it under the member's key when it admits."""


def _by_day(rows: Sequence[Row], key: str) -> list[Row]:
    return sorted(rows, key=lambda r: (r.get(key) or date.min, r.number))


def _known(draft: Draft, member_id: str) -> Member | None:
    """The member as the system holds them before the import."""
    return Member.from_history(draft.known.histories.get(member_id, ()))


def plan_members(draft: Draft, rows: Sequence[Row]) -> None:
    """Admit each member into their branch, in the order they joined (a referrer before those they brought)."""
    seen: dict[str, Row] = {}
    for row in _by_day(rows, "joined_on"):
        member_id = row.get("member_id")
        if member_id in seen:
            draft.fail(row, "member_id", f"member {member_id!r} is already in row {seen[member_id].number}",
                       "each member once")  # fmt: skip
            continue
        seen[member_id] = row
        admitted = _known(draft, member_id)
        if admitted is not None:
            _compare(draft, row, admitted)
        elif member_id in draft.known.taken_member_ids:
            draft.fail(
                row, "member_id", f"member id {member_id!r} is already used", "a member id not used before"
            )
        else:
            _admit(draft, row)


def _compare(draft: Draft, row: Row, admitted: Member) -> None:
    history = draft.known.histories[admitted.member_id]
    joined = history[0]
    assert isinstance(joined, MemberJoined)
    differs = False
    for key, value in (("branch_id", joined.branch_id), ("joined_on", joined.joined_on)):
        if row.get(key) != value:
            draft.fail(row, key, f"member {admitted.member_id!r} was admitted with {value}",
                       f"{value} (a later move is a transfer, recorded with its own command)")  # fmt: skip
            differs = True
    if not differs:
        draft.already.append(row)


def _admit(draft: Draft, row: Row) -> None:
    branch = draft.unit(row, "branch_id", levels=(UnitLevel.BRANCH,), days=("joined_on",))
    profile = _profile(draft, row)
    if branch is None or profile is None:
        return
    member_id, referred_by = row.get("member_id"), row.get("referred_by")
    cmd = AdmitMember(
        member_id=member_id,
        branch_id=branch.unit_id,
        joined_on=row.get("joined_on"),
        admission_decision_ref=row.get("admission_decision_ref"),
        profile=profile,
        referred_by=referred_by,
    )
    referrer = Member.from_history(draft.histories.get(referred_by, ())) if referred_by else None
    try:
        event = admit_member(
            cmd,
            member_id=member_id,
            branch=draft.now[branch.unit_id],
            member_exists=False,
            union_id=draft.union_of(branch.unit_id),
            referrer=referrer,
            referrer_union_id=(
                draft.union_of(referrer.branch_on(cmd.joined_on)) if referrer is not None else None
            ),
            today=draft.today,
            sealed=UNSEALED,
        )
    except DomainError as exc:
        draft.refused(row, exc)
        return
    draft.admitted(member_id, event)
    body = {
        "member_id": member_id,
        "branch_id": branch.unit_id,
        "joined_on": cmd.joined_on,
        "admission_decision_ref": cmd.admission_decision_ref,
        "profile": profile.model_dump(mode="json", exclude_none=True),
        "referred_by": referred_by,
    }
    draft.send(row, "membership", "POST", "/members", body, command="AdmitMember", permission=MANAGE,
               phase=Phase.MEMBERS, day=cmd.joined_on, already=("member_exists",))  # fmt: skip


def _profile(draft: Draft, row: Row) -> Profile | None:
    given: dict[str, Any] = {k: row.get(k) for k in PROFILE_FIELDS if row.get(k) is not None}
    try:
        return Profile.model_validate(given)
    except ValidationError as exc:
        for error in exc.errors():
            key = str(error["loc"][0]) if error["loc"] else "full_name"
            draft.fail(row, key, str(error["msg"]), str(error["msg"]), error.get("input"))
        return None


def plan_ratings(draft: Draft, rows: Sequence[Row]) -> None:
    """Each member's rating for a year, decided on the member as the workbook leaves them."""
    seen: dict[tuple[str, int], Row] = {}
    for row in _by_day(rows, "rated_on"):
        member_id, year = row.get("member_id"), row.get("year")
        if (member_id, year) in seen:
            draft.fail(row, "year", f"member {member_id!r} is already rated for {year} in row "
                       f"{seen[member_id, year].number}", "one rating a member and year")  # fmt: skip
            continue
        seen[member_id, year] = row
        history = draft.member(row, "member_id")
        if history is None:
            continue
        known = _known(draft, member_id)
        if known is not None and year in known.rated_years:
            draft.already.append(row)
            continue
        member = Member.from_history(history)
        assert member is not None
        try:
            event = records.rate(member, year=year, rating=row.get("rating"), on=row.get("rated_on"),
                                 today=draft.today)  # fmt: skip
        except DomainError as exc:
            draft.refused(row, exc)
            continue
        history.append(event)  # for the rows after it
        body = {"year": year, "rating": row.get("rating").value, "rated_on": row.get("rated_on")}
        draft.send(row, "membership", "POST", f"/members/{member_id}/ratings", body, command="RateMember",
                   permission=MANAGE, phase=Phase.MEMBER_RECORDS, day=row.get("rated_on"),
                   already=("rated_once_a_year",))  # fmt: skip


def plan_referrals(draft: Draft, rows: Sequence[Row]) -> None:
    """Each introduction to the Party, and the Party's decision when the row gives it."""
    seen: dict[str, Row] = {}
    for row in _by_day(rows, "referred_on"):
        referral_id = row.get("referral_id") or derived_id("r", row, "member_id", "referred_on")
        if referral_id in seen:
            draft.fail(row, "referral_id", f"the same referral as row {seen[referral_id].number}",
                       "each referral once")  # fmt: skip
            continue
        seen[referral_id] = row
        history = draft.member(row, "member_id")
        if history is None or not _decision_given(draft, row):
            continue
        known = _known(draft, row.get("member_id"))
        recorded = known is not None and referral_id in known.referrals
        if recorded:
            draft.already.append(row)
        elif not _refer(draft, row, history, referral_id):
            continue
        if row.get("admitted") is not None and not (
            recorded and known and known.open_referral != referral_id
        ):
            _decide(draft, row, history, referral_id)


def _decision_given(draft: Draft, row: Row) -> bool:
    admitted, decided_on = row.get("admitted"), row.get("decided_on")
    if (admitted is None) != (decided_on is None):
        key = "decided_on" if decided_on is None else "admitted"
        draft.fail(row, key, "Kết quả and Ngày quyết định go together", "both, or neither while undecided")
        return False
    if decided_on is not None and decided_on < row.get("referred_on"):
        draft.fail(row, "decided_on", f"{decided_on.isoformat()} is before the introduction",
                   f"a date on or after {row.get('referred_on').isoformat()}")  # fmt: skip
        return False
    return True


def _refer(draft: Draft, row: Row, history: list[Event], referral_id: str) -> bool:
    member = Member.from_history(history)
    assert member is not None
    on = row.get("referred_on")
    try:
        event = records.refer_to_party(member, referral_id=referral_id, on=on,
                                       decision_ref=row.get("decision_ref") or "", today=draft.today)  # fmt: skip
    except DomainError as exc:
        draft.refused(row, exc)
        return False
    history.append(event)  # for the rows after it
    body = {"referral_id": referral_id, "referred_on": on, "decision_ref": row.get("decision_ref")}
    draft.send(row, "membership", "POST", f"/members/{member.member_id}/party-referrals", body,
               command="ReferToParty", permission=MANAGE, phase=Phase.MEMBER_RECORDS, day=on)  # fmt: skip
    return True


def _decide(draft: Draft, row: Row, history: list[Event], referral_id: str) -> None:
    member = Member.from_history(history)
    assert member is not None
    on, admitted = row.get("decided_on"), row.get("admitted")
    try:
        event = records.decide_party_admission(member, referral_id=referral_id, admitted=admitted, on=on,
                                               today=draft.today)  # fmt: skip
    except DomainError as exc:
        draft.refused(row, exc)
        return
    history.append(event)  # for the rows after it
    path = f"/members/{member.member_id}/party-referrals/{referral_id}/outcome"
    draft.send(row, "membership", "POST", path, {"admitted": admitted, "decided_on": on},
               command="DecidePartyAdmission", permission=MANAGE, phase=Phase.MEMBER_RECORDS, day=on,
               already=("referral_decided",))  # fmt: skip
