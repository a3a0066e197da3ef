"""A member's current state, folded from the events of their stream (``member-<id>``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from shared.contracts import membership as ev
from shared.contracts.member_status import MemberStatus as MemberStatus  # re-exported
from shared.contracts.member_status import status_change
from shared.contracts.member_stays import Stay, Stays, after, stay_on, time_in_branches
from shared.contracts.org import OrgUnit
from shared.contracts.personal import Sealed
from shared.errors import ConflictError, DomainError, NotFoundError
from shared.events import Event
from shared.orgtree.guard import Dated, require_open


@dataclass(slots=True)
class Transfer:
    transfer_id: str
    from_branch_id: str
    to_branch_id: str
    requested_on: date
    released_on: date | None = None


@dataclass(slots=True)
class Member:
    """Everything the rules need to know about one member (đoàn viên)."""

    member_id: str
    branch_id: str
    joined_on: date
    in_branch_since: date
    status: MemberStatus = MemberStatus.ACTIVE
    birth_year: int | None = None
    profile: Sealed | None = None
    erased: bool = False
    transfer: Transfer | None = None
    transfer_ids: set[str] = field(default_factory=set)
    extended_until: date | None = None
    rated_years: set[int] = field(default_factory=set)
    training_registered: set[int] = field(default_factory=set)
    training_evaluated: set[int] = field(default_factory=set)
    dues_months: set[str] = field(default_factory=set)
    open_referral: str | None = None
    open_referral_on: date | None = None
    referrals: set[str] = field(default_factory=set)
    recruits: set[str] = field(default_factory=set)
    stays: Stays = ()
    """Their time in each branch, oldest first; a member given without it has been in ``branch_id`` since
    ``in_branch_since``."""
    last_step_on: date | None = None
    """The day of their last change of status (admission, transfer, ageing out …)."""
    version: int = 0

    def __post_init__(self) -> None:
        if not self.stays and self.status is MemberStatus.ACTIVE:
            self.stays = (Stay(self.branch_id, self.in_branch_since),)
        if self.last_step_on is None:
            self.last_step_on = self.in_branch_since

    @property
    def is_member(self) -> bool:
        """Still on the Đoàn's rolls (active, or between two branches)."""
        return self.status.on_rolls

    def stay_on(self, day: date) -> Stay | None:
        """Their time in the branch they were active in on ``day``; None when they were in none."""
        return stay_on(self.stays, day)

    def branch_on(self, day: date | None) -> str:
        """The branch a record of theirs dated ``day`` belongs to: the one they were in then, else their own."""
        stay = self.stay_on(day) if day is not None else None
        return stay.branch_id if stay is not None else self.branch_id

    def apply(self, event: Event) -> None:
        self.version += 1
        # The status follows the classification evaluation counts by (shared.contracts.member_status).
        change = status_change(event)
        if change is not None:
            self.status = change.status
            self.stays = after(self.stays, change)
            self.last_step_on = change.on
        match event:
            case ev.MemberProfileUpdated():
                self.profile = event.profile
                self.birth_year = event.birth_year or self.birth_year
            case ev.MemberTransferRequested():
                self.transfer = Transfer(
                    event.transfer_id, event.from_branch_id, event.to_branch_id, event.requested_on
                )
                self.transfer_ids.add(event.transfer_id)
            case ev.MemberTransferReleased() if self.transfer is not None:
                self.transfer.released_on = event.released_on
            case ev.MemberTransferAccepted():
                self.branch_id = event.to_branch_id
                self.in_branch_since = event.accepted_on
                self.transfer = None
            case ev.MemberTransferReturned():
                self.transfer = None
            case ev.MembershipExtended():
                self.extended_until = event.until
            case ev.MemberRated():
                self.rated_years.add(event.year)
            case ev.TrainingProgrammeRegistered():
                self.training_registered.add(event.year)
            case ev.TrainingProgrammeEvaluated():
                self.training_evaluated.add(event.year)
            case ev.DuesPaid() | ev.DuesExempted():
                self.dues_months.add(event.month)
            case ev.PartyReferral():
                self.open_referral = event.referral_id
                self.open_referral_on = event.referred_on
                self.referrals.add(event.referral_id)
            case ev.PartyAdmissionDecided():
                self.open_referral = None
                self.open_referral_on = None
            case ev.YouthRecruited():
                self.recruits.add(event.recruit_id)
            case ev.PersonErased():
                self.erased = True

    @classmethod
    def from_history(cls, events: Iterable[Event]) -> Member | None:
        member: Member | None = None
        for event in events:
            if isinstance(event, ev.MemberJoined):
                member = cls(
                    member_id=event.member_id,
                    branch_id=event.branch_id,
                    joined_on=event.joined_on,
                    in_branch_since=event.joined_on,
                    birth_year=event.birth_year,
                    profile=event.profile,
                    version=1,
                )
            elif member is not None:
                member.apply(event)
        return member


def require_member(member: Member | None, member_id: str) -> Member:
    if member is None:
        raise NotFoundError(
            f"member {member_id!r} is not known",
            rule="unknown_member",
            field="member_id",
            value=member_id,
            accepted="the id of an admitted member",
        )
    return member


def in_branch_life(member: Member, branch: OrgUnit | None, when: Dated) -> None:
    """A member's record dated in their time in their branch falls within the branch's life (422
    ``outside_unit_dates``): after it closed it would count nowhere. A record dated before the member
    came into the branch is of their time elsewhere, and is not the branch's to judge."""
    if branch is not None and when.last >= member.in_branch_since:
        require_open(branch, when)


def require_on_rolls(member: Member, action: str) -> None:
    """Only a member still on the rolls can be transferred, rated, disciplined…"""
    if not member.is_member:
        raise ConflictError(
            f"member {member.member_id!r} is {member.status.value}: cannot {action}",
            rule="member_not_active",
            field="member_id",
            value=member.member_id,
            accepted="a member who is active (đang sinh hoạt)",
        )


def require_active(member: Member, action: str) -> None:
    """Active in a branch: not between two branches."""
    require_on_rolls(member, action)
    if member.status is MemberStatus.IN_TRANSFER:
        raise ConflictError(
            f"member {member.member_id!r} is between two branches: cannot {action}",
            rule="member_in_transfer",
            field="member_id",
            value=member.member_id,
            accepted="a member active in a branch (accept or return the transfer first)",
        )


def not_in_future(day: date, today: date, field_name: str) -> None:
    if day > today:
        raise DomainError(
            f"{field_name} {day.isoformat()} is in the future",
            rule="date_in_future",
            field=field_name,
            value=day.isoformat(),
            accepted=f"a date on or before {today.isoformat()}",
        )


def not_before(day: date, earliest: date, field_name: str, what: str) -> None:
    if day < earliest:
        raise DomainError(
            f"{field_name} {day.isoformat()} is before {what} ({earliest.isoformat()})",
            rule="date_before_" + what.replace(" ", "_"),
            field=field_name,
            value=day.isoformat(),
            accepted=f"a date on or after {earliest.isoformat()}",
        )


def require_in_branch_on(member: Member, day: date, field_name: str, action: str) -> Stay:
    """The member's time in the branch they were active in on ``day``, the date of a record of theirs.

    A record dated in the member's present (from their last change of status) needs them active now, as
    before (409); one dated earlier needs them active in a branch on that day: else 422
    ``outside_membership_dates`` naming the field, the date and their time in each branch.
    """
    stay = member.stay_on(day)
    if stay is not None:
        return stay
    if member.last_step_on is not None and day >= member.last_step_on:
        require_active(member, action)
    raise outside_membership(member, field_name, day.isoformat(), f"{field_name} {day.isoformat()}")


def outside_membership(
    member: Member, field_name: str, value: object, what: str, accepted: str = ""
) -> DomainError:
    """422 ``outside_membership_dates``: ``what`` falls outside the member's time in a branch."""
    time = time_in_branches(member.stays)
    return DomainError(
        f"{what} is outside member {member.member_id!r}'s time in a branch ({time})",
        rule="outside_membership_dates",
        field=field_name,
        value=value,
        accepted=accepted or f"a date on which the member was active in a branch: {time}",
    )
