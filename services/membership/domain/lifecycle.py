"""A member's path through the Đoàn: transfers, ageing out, discipline, striking off, the card."""

from __future__ import annotations

from datetime import date

from services.membership.domain.member import (
    Member,
    not_before,
    not_in_future,
    outside_membership,
    require_active,
    require_on_rolls,
)
from services.membership.domain.profile import age_on, birthday
from shared.contracts import membership as ev
from shared.contracts.org import OrgUnit, UnitLevel
from shared.errors import ConflictError, DomainError, NotFoundError
from shared.orgtree.guard import require_open_on

MATURITY_AGE = 30
"""Members age out (trưởng thành đoàn) at 30."""
EXTENSION_LIMIT_AGE = 35
"""An extension never goes past the 35th birthday."""


def not_before_last_step(member: Member, on: date, field_name: str) -> None:
    """A change that ends the membership (ageing out, striking off, expulsion) is dated on or after the
    member's last change of status: dated earlier, it would end a time in a branch before the one
    recorded after it."""
    last = member.last_step_on
    if last is not None and on < last:
        raise outside_membership(
            member,
            field_name,
            on.isoformat(),
            f"{field_name} {on.isoformat()}, before their last change of status on {last.isoformat()},",
            f"a date on or after {last.isoformat()}",
        )


def _no_such_transfer(member: Member, transfer_id: str) -> NotFoundError:
    return NotFoundError(
        f"member {member.member_id!r} has no open transfer {transfer_id!r}",
        rule="unknown_transfer",
        field="transfer_id",
        value=transfer_id,
        accepted=f"the open transfer {member.transfer.transfer_id!r}" if member.transfer else "none is open",
    )


def request_transfer(
    member: Member, *, transfer_id: str, to_branch: OrgUnit | None, to_branch_id: str, on: date, today: date
) -> ev.MemberTransferRequested:
    """A member asks to move to another branch (đề nghị chuyển sinh hoạt đoàn)."""
    require_active(member, "request a transfer")
    if member.transfer is not None:
        raise ConflictError(
            f"member {member.member_id!r} already has transfer {member.transfer.transfer_id!r} open",
            rule="transfer_open",
            field="member_id",
            value=member.member_id,
            accepted="a member without an open transfer",
        )
    if to_branch is None or to_branch.level is not UnitLevel.BRANCH:
        raise DomainError(
            f"unit {to_branch_id!r} is not a branch",
            rule="transfer_to_branch",
            field="to_branch_id",
            value=to_branch_id,
            accepted="the id of a branch (chi đoàn)",
        )
    if to_branch.unit_id == member.branch_id:
        raise DomainError(
            f"member {member.member_id!r} is already in branch {to_branch_id!r}",
            rule="transfer_to_same_branch",
            field="to_branch_id",
            value=to_branch_id,
            accepted="another branch",
        )
    not_in_future(on, today, "requested_on")
    not_before(on, member.in_branch_since, "requested_on", "joining the branch")
    # To a branch that existed that day (closed since, or not).
    require_open_on(to_branch, on, field="requested_on")
    return ev.MemberTransferRequested(
        member_id=member.member_id,
        transfer_id=transfer_id,
        from_branch_id=member.branch_id,
        to_branch_id=to_branch.unit_id,
        requested_on=on,
    )


def release_transfer(member: Member, *, transfer_id: str, on: date, today: date) -> ev.MemberTransferReleased:
    """The source branch releases the member (giới thiệu chuyển sinh hoạt đoàn)."""
    transfer = member.transfer
    if transfer is None or transfer.transfer_id != transfer_id:
        raise _no_such_transfer(member, transfer_id)
    if transfer.released_on is not None:
        raise ConflictError(
            f"transfer {transfer_id!r} was already released on {transfer.released_on.isoformat()}",
            rule="transfer_already_released",
            field="transfer_id",
            value=transfer_id,
            accepted="a transfer not yet released",
        )
    not_in_future(on, today, "released_on")
    not_before(on, transfer.requested_on, "released_on", "the request")
    return ev.MemberTransferReleased(member_id=member.member_id, transfer_id=transfer_id, released_on=on)


def _released(member: Member, transfer_id: str, action: str) -> date:
    transfer = member.transfer
    if transfer is None or transfer.transfer_id != transfer_id:
        if transfer_id in member.transfer_ids:
            raise ConflictError(
                f"transfer {transfer_id!r} is already closed",
                rule="transfer_closed",
                field="transfer_id",
                value=transfer_id,
                accepted="an open transfer (each is accepted or returned once)",
            )
        raise _no_such_transfer(member, transfer_id)
    if transfer.released_on is None:
        raise ConflictError(
            f"transfer {transfer_id!r} has not been released by branch {transfer.from_branch_id!r}: cannot {action}",
            rule="transfer_not_released",
            field="transfer_id",
            value=transfer_id,
            accepted="a transfer the source branch has released",
        )
    return transfer.released_on


def accept_transfer(
    member: Member, *, transfer_id: str, to_branch: OrgUnit | None, on: date, today: date
) -> ev.MemberTransferAccepted:
    """The destination branch ``to_branch`` takes the member in (tiếp nhận sinh hoạt đoàn), on a day it
    existed, if they are still on the rolls: one who aged out or was struck off between the two branches
    is not made active again."""
    require_on_rolls(member, "be taken in by another branch")
    released_on = _released(member, transfer_id, "accept it")
    not_in_future(on, today, "accepted_on")
    not_before(on, released_on, "accepted_on", "the release")
    if to_branch is not None:
        require_open_on(to_branch, on, field="accepted_on")
    assert member.transfer is not None
    return ev.MemberTransferAccepted(
        member_id=member.member_id,
        transfer_id=transfer_id,
        to_branch_id=member.transfer.to_branch_id,
        accepted_on=on,
    )


def return_transfer(
    member: Member, *, transfer_id: str, to_branch: OrgUnit | None, on: date, reason: str, today: date
) -> ev.MemberTransferReturned:
    """The destination ``to_branch`` refuses, on a day it existed; the member goes back to the source
    branch."""
    released_on = _released(member, transfer_id, "return it")
    not_in_future(on, today, "returned_on")
    not_before(on, released_on, "returned_on", "the release")
    if to_branch is not None:
        require_open_on(to_branch, on, field="returned_on")
    return ev.MemberTransferReturned(
        member_id=member.member_id, transfer_id=transfer_id, returned_on=on, reason=reason
    )


def mature(member: Member, *, on: date, birth_date: date | None, today: date) -> ev.MemberMatured:
    """A member ages out (trưởng thành đoàn) from their 30th birthday."""
    require_on_rolls(member, "age out")
    not_in_future(on, today, "matured_on")
    not_before_last_step(member, on, "matured_on")
    if birth_date is not None and age_on(birth_date, on) < MATURITY_AGE:
        raise DomainError(
            f"member {member.member_id!r} is {age_on(birth_date, on)} on {on.isoformat()}",
            rule="maturity_age",
            field="matured_on",
            value=on.isoformat(),
            accepted=f"a date on or after their {MATURITY_AGE}th birthday, {birthday(birth_date, MATURITY_AGE)}",
        )
    return ev.MemberMatured(member_id=member.member_id, matured_on=on)


def extend(member: Member, *, until: date, reason: str, birth_date: date | None) -> ev.MembershipExtended:
    """A member is kept on past 30 (e.g. as a cadre), never past 35."""
    require_on_rolls(member, "be extended")
    limit = (
        birthday(birth_date, EXTENSION_LIMIT_AGE)
        if birth_date is not None
        else date(member.birth_year + EXTENSION_LIMIT_AGE, 1, 1)
        if member.birth_year is not None
        else None
    )
    if limit is not None and until > limit:
        raise DomainError(
            f"an extension to {until.isoformat()} goes past the member's {EXTENSION_LIMIT_AGE}th birthday",
            rule="extension_past_35",
            field="until",
            value=until.isoformat(),
            accepted=f"a date on or before {limit.isoformat()}",
        )
    return ev.MembershipExtended(member_id=member.member_id, until=until, reason=reason)


def discipline(
    member: Member, *, level: ev.DisciplineLevel, decision_ref: str, on: date, today: date
) -> ev.MemberDisciplined:
    """A disciplinary decision (kỷ luật): khiển trách, cảnh cáo, cách chức, khai trừ."""
    require_on_rolls(member, "be disciplined")
    not_in_future(on, today, "decided_on")
    not_before(on, member.joined_on, "decided_on", "admission")
    if level is ev.DisciplineLevel.EXPULSION:
        not_before_last_step(member, on, "decided_on")
    return ev.MemberDisciplined(
        member_id=member.member_id, level=level, decision_ref=decision_ref, decided_on=on
    )


def strike_off(member: Member, *, on: date, reason: str, today: date) -> ev.MemberStruckOff:
    """A member is struck off the list (xóa tên)."""
    require_on_rolls(member, "be struck off")
    not_in_future(on, today, "struck_on")
    not_before(on, member.joined_on, "struck_on", "admission")
    not_before_last_step(member, on, "struck_on")
    return ev.MemberStruckOff(member_id=member.member_id, struck_on=on, reason=reason)


def issue_card(member: Member, *, card_number: str, on: date, today: date) -> ev.MemberCardIssued:
    """A member card is issued (cấp thẻ đoàn viên)."""
    require_on_rolls(member, "receive a card")
    not_in_future(on, today, "issued_on")
    return ev.MemberCardIssued(member_id=member.member_id, card_number=card_number, issued_on=on)
