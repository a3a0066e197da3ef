"""Events owned by the membership service: the org tree and the members' lifecycle."""

from __future__ import annotations

from datetime import date
from functools import partial

from shared.contracts.org import UnitLevel, UnitType
from shared.events import Event, event_type
from shared.ids import UnitId

membership_event = partial(event_type, service="membership")


@membership_event("UnitRegistered")
class UnitRegistered(Event):
    """A unit joins the tree (đăng ký đơn vị): a province, district, grassroots union or branch."""

    unit_id: UnitId
    name: str
    level: UnitLevel
    unit_type: UnitType
    parent_id: UnitId | None
    recognising_unit_id: UnitId | None = None


@membership_event("UnitRenamed")
class UnitRenamed(Event):
    """A unit takes a new name (đổi tên)."""

    unit_id: UnitId
    name: str


@membership_event("UnitMoved")
class UnitMoved(Event):
    """A unit moves under another parent, with everything below it (e.g. after an administrative reform)."""

    unit_id: UnitId
    old_parent_id: UnitId
    new_parent_id: UnitId
    recognising_unit_id: UnitId | None = None


@membership_event("UnitClosed")
class UnitClosed(Event):
    """A unit is dissolved or merged (giải thể, sáp nhập); its history stays."""

    unit_id: UnitId
    reason: str
    merged_into: UnitId | None = None


@membership_event("MemberJoined")
class MemberJoined(Event):
    """A young person is admitted to the Đoàn (kết nạp đoàn viên) in a branch."""

    member_id: str
    branch_id: UnitId
    joined_on: date
    admission_decision_ref: str
    referred_by: str | None = None
