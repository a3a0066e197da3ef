"""A member's current state, folded from the events of their stream (``member-<id>``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from shared.contracts import membership as ev
from shared.contracts.member_status import MemberStatus as MemberStatus  # re-exported
from shared.contracts.member_status import status_change
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
    referrals: set[str] = field(default_factory=set)
    recruits: set[str] = field(default_factory=set)
    version: int = 0

    @property
    def is_member(self) -> bool:
        """Still on the Đoàn's rolls (active, or between two branches)."""
        return self.status.on_rolls

    def apply(self, event: Event) -> None:
        self.version += 1
        # The status follows the classification evaluation counts by (shared.contracts.member_status).
        change = status_change(event)
        if change is not None:
            self.status = change.status
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
                self.referrals.add(event.referral_id)
            case ev.PartyAdmissionDecided():
                self.open_referral = None
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
