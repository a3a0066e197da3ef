"""A member's status on the rolls (tình trạng đoàn viên), and which of membership's events change it.

Membership keeps each member's status by :func:`status_change`, and evaluation counts
active members by the same function, so membership's member list and evaluation's
member counts agree by construction. A member counts as *active* in their branch
(đang sinh hoạt); one released by their branch and not yet taken in by another
(đang chuyển sinh hoạt) is still on the rolls but active in no branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.contracts import membership as ms
from shared.events import Event


class MemberStatus(StrEnum):
    ACTIVE = "active"  # đang sinh hoạt: counted among the active members of their branch
    IN_TRANSFER = "in_transfer"  # released by the source, not yet accepted (đang chuyển sinh hoạt)
    MATURED = "matured"  # trưởng thành đoàn
    STRUCK_OFF = "struck_off"  # xóa tên
    EXPELLED = "expelled"  # khai trừ

    @property
    def on_rolls(self) -> bool:
        """Still on the Đoàn's rolls (active, or between two branches)."""
        return self in (MemberStatus.ACTIVE, MemberStatus.IN_TRANSFER)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """What an event of a member's stream makes of them: their status from ``on``, and where."""

    member_id: str
    status: MemberStatus
    on: date
    branch_id: str | None = None  # the branch they are in from now on; None: the one they were in


def status_change(event: Event) -> StatusChange | None:
    """The member's status after ``event``; None for an event that leaves it as it was."""
    match event:
        case ms.MemberJoined():
            return StatusChange(event.member_id, MemberStatus.ACTIVE, event.joined_on, event.branch_id)
        case ms.MemberTransferReleased():
            return StatusChange(event.member_id, MemberStatus.IN_TRANSFER, event.released_on)
        case ms.MemberTransferAccepted():
            return StatusChange(event.member_id, MemberStatus.ACTIVE, event.accepted_on, event.to_branch_id)
        case ms.MemberTransferReturned():
            return StatusChange(event.member_id, MemberStatus.ACTIVE, event.returned_on)
        case ms.MemberMatured():
            return StatusChange(event.member_id, MemberStatus.MATURED, event.matured_on)
        case ms.MemberStruckOff():
            return StatusChange(event.member_id, MemberStatus.STRUCK_OFF, event.struck_on)
        case ms.MemberDisciplined() if event.level is ms.DisciplineLevel.EXPULSION:
            return StatusChange(event.member_id, MemberStatus.EXPELLED, event.decided_on)
    return None


STATUS_EVENTS = frozenset(
    t.event_type
    for t in (
        ms.MemberJoined,
        ms.MemberTransferReleased,
        ms.MemberTransferAccepted,
        ms.MemberTransferReturned,
        ms.MemberMatured,
        ms.MemberStruckOff,
        ms.MemberDisciplined,
    )
)
"""The event types :func:`status_change` may classify: a consumer can skip the others by name."""
