"""A member's time in each branch (thời gian sinh hoạt tại chi đoàn), from the changes of their status.

A *stay* is a time in which the member is active in one branch: from their admission, a transfer
taken in or a transfer returned, until they are released to another branch, age out, are struck off
or expelled. Membership folds a member's stays from their stream and planning from the changes it
keeps, both by :func:`after`, so "who was in which branch on that day" has one answer in both; the
changes themselves are :func:`shared.contracts.member_status.status_change`, the classification
evaluation's roster follows too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from shared.contracts.member_status import MemberStatus, StatusChange, status_change
from shared.events import Event


@dataclass(frozen=True, slots=True)
class Stay:
    """The member is active in ``branch_id`` from ``since`` until ``until``, the day they left it (released,
    aged out, struck off, expelled: from that day they are no longer active there); None while they are."""

    branch_id: str
    since: date
    until: date | None = None

    def holds(self, day: date) -> bool:
        """Whether the member was active in the branch on ``day``."""
        return self.since <= day and (self.until is None or day < self.until)

    def meets(self, first: date, last: date) -> bool:
        """Whether the member was active in the branch on some day from ``first`` to ``last``."""
        return self.since <= last and (self.until is None or self.until > first) and self.since != self.until

    def __str__(self) -> str:
        return f"{self.branch_id!r} from {self.since.isoformat()}" + (
            f" until {self.until.isoformat()}" if self.until is not None else ""
        )


Stays = tuple[Stay, ...]


def after(stays: Stays, change: StatusChange) -> Stays:
    """The stays once ``change`` happened: an active status opens a stay (in the branch the change names,
    else the one they were last in: a transfer returned), any other ends the open one on its day."""
    closed = _closed(stays, change.on)
    if change.status is not MemberStatus.ACTIVE:
        return closed
    branch_id = change.branch_id or (stays[-1].branch_id if stays else None)
    return closed if branch_id is None else (*closed, Stay(branch_id, change.on))


def _closed(stays: Stays, on: date) -> Stays:
    if not stays or stays[-1].until is not None:
        return stays
    last = stays[-1]
    # A change dated before the stay began ends it empty: the member was never active in it.
    return (*stays[:-1], replace(last, until=max(on, last.since)))


def stays_of(changes: Iterable[StatusChange]) -> Stays:
    """The stays the changes make, in the order they happened to the member (their stream's)."""
    stays: Stays = ()
    for change in changes:
        stays = after(stays, change)
    return stays


def stays_from(events: Iterable[Event]) -> Stays:
    """The stays of one member's history (their stream, oldest first)."""
    return stays_of(c for c in (status_change(e) for e in events) if c is not None)


def stay_on(stays: Sequence[Stay], day: date, branch_ids: Collection[str] | None = None) -> Stay | None:
    """The stay that holds ``day`` (in one of ``branch_ids``, when given); None when none does."""
    for stay in stays:
        if stay.holds(day) and (branch_ids is None or stay.branch_id in branch_ids):
            return stay
    return None


def time_there(stays: Sequence[Stay], stay: Stay) -> Stays:
    """``stay`` and the stays in the same branch just before it: a transfer returned (the member went back
    to the branch they were in) does not end their time there, as membership's six months before a rating
    and evaluation's roster count it."""
    end = stays.index(stay)
    start = end
    while start > 0 and stays[start - 1].branch_id == stay.branch_id:
        start -= 1
    return tuple(stays[start : end + 1])


def time_in_branches(stays: Sequence[Stay], branch_ids: Collection[str] | None = None) -> str:
    """The member's time in the branches, for an answer: "'pl-x-1' from 2025-01-15 until 2026-10-03"."""
    shown = [s for s in stays if s.since != s.until and (branch_ids is None or s.branch_id in branch_ids)]
    if not shown:
        return (
            f"never in {' or '.join(repr(b) for b in branch_ids)}"
            if branch_ids is not None
            else "never in a branch"
        )
    return "; ".join(str(s) for s in shown)
