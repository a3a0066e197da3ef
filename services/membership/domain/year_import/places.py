"""Where a member was on a given day, and whether active there: a question about the past, answered from
their history by the classification the member list and evaluation count by
(:func:`shared.contracts.member_status.status_change`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared.contracts.member_status import MemberStatus, status_change
from shared.events import Event


@dataclass(frozen=True, slots=True)
class Place:
    """A member's status and branch from ``since`` on."""

    status: MemberStatus
    branch_id: str
    since: date

    def describe(self) -> str:
        return f"{self.status.value} in branch {self.branch_id!r} since {self.since.isoformat()}"


def place_on(history: Iterable[Event], day: date) -> Place | None:
    """The member's place at the end of ``day``; None on a day before they joined."""
    changes = sorted(
        (change for event in history if (change := status_change(event)) is not None),
        key=lambda change: change.on,
    )
    place: Place | None = None
    for change in changes:
        if change.on > day:
            break
        branch = change.branch_id or (place.branch_id if place is not None else None)
        if branch is not None:
            place = Place(change.status, branch, change.on)
    return place


def active_in(history: Iterable[Event], branch_ids: Iterable[str], day: date) -> bool:
    """Whether the member was active in one of ``branch_ids`` on ``day``."""
    place = place_on(history, day)
    return place is not None and place.status is MemberStatus.ACTIVE and place.branch_id in set(branch_ids)
