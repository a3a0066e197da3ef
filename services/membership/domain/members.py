"""Admitting members (kết nạp đoàn viên), and keeping their personal record."""

from __future__ import annotations

from datetime import date

from services.membership.domain.commands import AdmitMember
from services.membership.domain.member import Member, outside_membership
from services.membership.domain.profile import Profile, age_on
from shared.contracts.membership import MemberJoined, MemberProfileUpdated
from shared.contracts.org import OrgUnit, UnitLevel
from shared.contracts.personal import Sealed
from shared.errors import ConflictError, DomainError, NotFoundError
from shared.orgtree.guard import require_open_on

ADMISSION_AGES = (16, 30)
"""Đoàn members are admitted from 16 to 30 years of age (Điều lệ Đoàn)."""


def admit_member(
    cmd: AdmitMember,
    *,
    member_id: str,
    branch: OrgUnit | None,
    member_exists: bool,
    union_id: str | None,
    referrer: Member | None,
    referrer_union_id: str | None,
    today: date,
    sealed: Sealed,
) -> MemberJoined:
    """Decide an admission into a branch (kết nạp đoàn viên) as ``member_id`` (the command's, or the one
    given to it); ``sealed`` is ``cmd.profile`` under the member's key.

    ``union_id`` is the grassroots union the branch belongs to; ``referrer`` the member named in
    ``referred_by`` (None when there is no such member) and ``referrer_union_id`` the union of the branch
    they were in on the admission day. "1+1" is counted per union (each member of a union brings someone
    into it), so on that day the referrer was an active member of the same union.
    """
    if member_exists:
        raise ConflictError(
            f"member {member_id!r} is already admitted",
            rule="member_exists",
            field="member_id",
            value=member_id,
            accepted="a new member id",
        )
    if branch is None:
        raise NotFoundError(
            f"branch {cmd.branch_id!r} is not registered",
            rule="unknown_branch",
            field="branch_id",
            value=cmd.branch_id,
            accepted="the id of a registered branch",
        )
    if branch.level is not UnitLevel.BRANCH:
        raise DomainError(
            f"unit {cmd.branch_id!r} is a {branch.level.value}, not a branch",
            rule="admission_into_branch",
            field="branch_id",
            value=cmd.branch_id,
            accepted="the id of a branch (chi đoàn)",
        )
    if cmd.joined_on > today:
        raise DomainError(
            f"the admission date {cmd.joined_on.isoformat()} is in the future",
            rule="admission_in_future",
            field="joined_on",
            value=cmd.joined_on.isoformat(),
            accepted=f"a date on or before {today.isoformat()}",
        )
    # Into a branch that existed that day: a closed branch takes an admission of its history.
    require_open_on(branch, cmd.joined_on, field="joined_on")
    low, high = ADMISSION_AGES
    age = age_on(cmd.profile.birth_date, cmd.joined_on)
    if not low <= age <= high:
        raise DomainError(
            f"the member would be {age} on {cmd.joined_on.isoformat()}: admission is from {low} to {high}",
            rule="age_at_admission",
            field="profile.birth_date",
            value=cmd.profile.birth_date.isoformat(),
            accepted=f"a birth date giving an age of {low} to {high} on the admission date",
        )
    if cmd.referred_by is not None and referrer is None:
        raise NotFoundError(
            f"the referring member {cmd.referred_by!r} is not known",
            rule="unknown_referrer",
            field="referred_by",
            value=cmd.referred_by,
            accepted="the id of an admitted member, or null",
        )
    if referrer is not None and referrer.stay_on(cmd.joined_on) is None:
        raise outside_membership(
            referrer,
            "referred_by",
            cmd.referred_by,
            f"the admission on {cmd.joined_on.isoformat()}, which referrer {referrer.member_id!r} is named for,",
            f"a member active in a branch of union {union_id!r} on {cmd.joined_on.isoformat()}, or null",
        )
    if cmd.referred_by is not None and referrer_union_id != union_id:
        raise DomainError(
            f"the referring member {cmd.referred_by!r} belonged to another grassroots union than {union_id!r} "
            f"on {cmd.joined_on.isoformat()}",
            rule="referrer_of_another_union",
            field="referred_by",
            value=cmd.referred_by,
            accepted=f'a member of union {union_id!r} ("1+1" counts within the union), or null',
        )
    return MemberJoined(
        member_id=member_id,
        branch_id=cmd.branch_id,
        joined_on=cmd.joined_on,
        admission_decision_ref=cmd.admission_decision_ref,
        referred_by=cmd.referred_by,
        birth_year=cmd.profile.birth_date.year,
        profile=sealed,
        missing_fields=cmd.profile.missing_fields(),
    )


def update_profile(member: Member, profile: Profile, *, sealed: Sealed) -> MemberProfileUpdated:
    """Correct or complete a member's personal record; ``sealed`` is ``profile`` under their key."""
    if member.erased:
        raise ConflictError(
            f"member {member.member_id!r} was erased at their request",
            rule="person_erased",
            field="member_id",
            value=member.member_id,
            accepted="a member who has not been erased",
        )
    return profile_updated(member.member_id, profile, sealed)


def profile_updated(member_id: str, profile: Profile, sealed: Sealed) -> MemberProfileUpdated:
    return MemberProfileUpdated(
        member_id=member_id,
        profile=sealed,
        birth_year=profile.birth_date.year,
        missing_fields=profile.missing_fields(),
    )
