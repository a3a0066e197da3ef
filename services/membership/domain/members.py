"""Admitting members (kết nạp đoàn viên)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.contracts.membership import MemberJoined
from shared.contracts.org import OrgUnit, UnitLevel
from shared.errors import ConflictError, DomainError, NotFoundError


@dataclass(frozen=True, slots=True)
class AdmitMember:
    member_id: str
    branch_id: str
    joined_on: date
    admission_decision_ref: str
    referred_by: str | None = None


def admit_member(
    cmd: AdmitMember, *, branch: OrgUnit | None, member_exists: bool, today: date
) -> MemberJoined:
    """Decide an admission into a branch."""
    if member_exists:
        raise ConflictError(
            f"member {cmd.member_id!r} is already admitted",
            rule="member_exists",
            field="member_id",
            value=cmd.member_id,
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
    if not branch.is_active:
        raise DomainError(
            f"branch {cmd.branch_id!r} is closed",
            rule="branch_closed",
            field="branch_id",
            value=cmd.branch_id,
            accepted="an active branch",
        )
    if cmd.joined_on > today:
        raise DomainError(
            f"the admission date {cmd.joined_on.isoformat()} is in the future",
            rule="admission_in_future",
            field="joined_on",
            value=cmd.joined_on.isoformat(),
            accepted=f"a date on or before {today.isoformat()}",
        )
    return MemberJoined(
        member_id=cmd.member_id,
        branch_id=cmd.branch_id,
        joined_on=cmd.joined_on,
        admission_decision_ref=cmd.admission_decision_ref,
        referred_by=cmd.referred_by,
    )
