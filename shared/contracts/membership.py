"""Events owned by the membership service: the org tree, members' lifecycle, youth care, the Party.

People are named by pseudonymous ids (``m-…`` for members, ``p-…`` for other young
people); their personal fields travel :class:`~shared.contracts.personal.Sealed`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import partial

from pydantic import Field

from shared.contracts.org import UnitLevel, UnitType
from shared.contracts.personal import Sealed
from shared.events import Event, event_type
from shared.ids import UnitId

membership_event = partial(event_type, service="membership")

Month = str
"""A calendar month as ``YYYY-MM``."""
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
QUARTER_PATTERN = r"^\d{4}-Q[1-4]$"


# The org tree


@membership_event("UnitRegistered")
class UnitRegistered(Event):
    """A unit joins the tree (đăng ký đơn vị): a province, district, grassroots union or branch."""

    unit_id: UnitId
    name: str
    level: UnitLevel
    unit_type: UnitType
    parent_id: UnitId | None
    recognising_unit_id: UnitId | None = None
    established_on: date | None = None
    """The day the unit was founded (ngày thành lập); the event occurred then. None in events recorded
    before units carried their dates: the unit opened the day it was registered."""


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
    closed_on: date | None = None
    """The day the unit was dissolved or merged; the event occurred then. None in events recorded before
    units carried their dates: the unit closed the day the closure was recorded."""


@membership_event("UnitDatesCorrected")
class UnitDatesCorrected(Event):
    """A unit's founding or closing day is corrected (đính chính ngày thành lập, giải thể), with why.

    From this event on, the unit counts as opened on ``established_on`` and, if it is closed, as closed
    on ``closed_on``; who corrected it and when is in the event's metadata.
    """

    unit_id: UnitId
    established_on: date
    closed_on: date | None = None
    reason: str


@membership_event("BranchRosterReviewed")
class BranchRosterReviewed(Event):
    """A branch reviews its member list (rà soát danh sách đoàn viên)."""

    branch_id: UnitId
    reviewed_on: date
    active_members: int = Field(ge=0)


# Members


class Rating(StrEnum):
    """The annual rating (xếp loại đoàn viên)."""

    EXCELLENT = "excellent"  # hoàn thành xuất sắc nhiệm vụ
    GOOD = "good"  # hoàn thành tốt nhiệm vụ
    COMPLETED = "completed"  # hoàn thành nhiệm vụ
    NOT_COMPLETED = "not_completed"  # không hoàn thành nhiệm vụ


class DisciplineLevel(StrEnum):
    """Disciplinary measures (kỷ luật), from the lightest."""

    REPRIMAND = "reprimand"  # khiển trách
    WARNING = "warning"  # cảnh cáo
    REMOVAL_FROM_POST = "removal_from_post"  # cách chức
    EXPULSION = "expulsion"  # khai trừ


@membership_event("MemberJoined")
class MemberJoined(Event):
    """A young person is admitted to the Đoàn (kết nạp đoàn viên) in a branch.

    ``referred_by`` is the member who brought them in under "1+1". ``birth_year``
    stays in clear for the ageing-out rules; the rest of the profile is sealed.
    """

    member_id: str
    branch_id: UnitId
    joined_on: date
    admission_decision_ref: str
    referred_by: str | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    profile: Sealed | None = None
    missing_fields: tuple[str, ...] = ()


@membership_event("MemberProfileUpdated")
class MemberProfileUpdated(Event):
    """A member's personal record is corrected or completed (cập nhật hồ sơ)."""

    member_id: str
    profile: Sealed
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    missing_fields: tuple[str, ...] = ()


@membership_event("MemberTransferRequested")
class MemberTransferRequested(Event):
    """A member asks to move to another branch (đề nghị chuyển sinh hoạt đoàn)."""

    member_id: str
    transfer_id: str
    from_branch_id: UnitId
    to_branch_id: UnitId
    requested_on: date


@membership_event("MemberTransferReleased")
class MemberTransferReleased(Event):
    """The source branch releases the member (giới thiệu chuyển sinh hoạt)."""

    member_id: str
    transfer_id: str
    released_on: date


@membership_event("MemberTransferAccepted")
class MemberTransferAccepted(Event):
    """The destination branch takes the member in (tiếp nhận sinh hoạt đoàn)."""

    member_id: str
    transfer_id: str
    to_branch_id: UnitId
    accepted_on: date


@membership_event("MemberTransferReturned")
class MemberTransferReturned(Event):
    """The destination refuses the transfer; the member stays in the source branch."""

    member_id: str
    transfer_id: str
    returned_on: date
    reason: str


@membership_event("MemberMatured")
class MemberMatured(Event):
    """A member ages out of the Đoàn (trưởng thành đoàn), normally at 30."""

    member_id: str
    matured_on: date


@membership_event("MembershipExtended")
class MembershipExtended(Event):
    """A member is kept on past 30 (e.g. a cadre), never past 35."""

    member_id: str
    until: date
    reason: str


@membership_event("MemberDisciplined")
class MemberDisciplined(Event):
    """A disciplinary decision (kỷ luật đoàn viên)."""

    member_id: str
    level: DisciplineLevel
    decision_ref: str
    decided_on: date


@membership_event("MemberStruckOff")
class MemberStruckOff(Event):
    """A member is struck off the list (xóa tên), e.g. after 3 months without activity or dues."""

    member_id: str
    struck_on: date
    reason: str


@membership_event("MemberCardIssued")
class MemberCardIssued(Event):
    """A member card is issued (cấp thẻ đoàn viên)."""

    member_id: str
    card_number: str
    issued_on: date


@membership_event("DuesPaid")
class DuesPaid(Event):
    """Monthly dues paid (đóng đoàn phí): 2,000 VND without salary, 5,000 with."""

    member_id: str
    month: Month = Field(pattern=MONTH_PATTERN)
    amount_vnd: int = Field(ge=0)


@membership_event("DuesExempted")
class DuesExempted(Event):
    """A member is excused from a month's dues (miễn đoàn phí)."""

    member_id: str
    month: Month = Field(pattern=MONTH_PATTERN)
    reason: str


@membership_event("DuesRemitted")
class DuesRemitted(Event):
    """A unit hands its share of a month's dues to the level above (nộp đoàn phí lên cấp trên)."""

    unit_id: UnitId
    to_unit_id: UnitId
    month: Month = Field(pattern=MONTH_PATTERN)
    amount_vnd: int = Field(ge=0)


@membership_event("MemberRated")
class MemberRated(Event):
    """The annual rating of a member with at least 6 months in the branch (xếp loại đoàn viên)."""

    member_id: str
    year: int
    rating: Rating


@membership_event("TrainingProgrammeRegistered")
class TrainingProgrammeRegistered(Event):
    """A member registers for the year's training programme (đăng ký Chương trình rèn luyện đoàn viên)."""

    member_id: str
    year: int


@membership_event("TrainingProgrammeEvaluated")
class TrainingProgrammeEvaluated(Event):
    """The year's training programme is evaluated (đánh giá rèn luyện), with the same four levels."""

    member_id: str
    year: int
    result: Rating


@membership_event("MemberInactivityReviewed")
class MemberInactivityReviewed(Event):
    """An inactive member's case is reviewed (3 months without attendance or dues in a year)."""

    member_id: str
    reviewed_on: date
    outcome: str = Field(description="kept (with the reason), struck_off, or transferred")


# Youth care


@membership_event("YouthSituationReported")
class YouthSituationReported(Event):
    """A quarter's report upward on the youth in the area (báo cáo tình hình thanh niên)."""

    unit_id: UnitId
    quarter: str = Field(pattern=QUARTER_PATTERN)
    submitted_on: date
    summary: str = ""


@membership_event("YouthCensusRecorded")
class YouthCensusRecorded(Event):
    """Counts of the young people in the area, by category (kept as counts, never as lists)."""

    unit_id: UnitId
    as_of: date
    counts: dict[str, int]


@membership_event("HardshipCaseListed")
class HardshipCaseListed(Event):
    """A young person in hardship is put on the list (danh sách thanh niên có hoàn cảnh khó khăn).

    Ethnicity, religion and health are sealed; reading them is logged.
    """

    case_id: str
    unit_id: UnitId
    listed_on: date
    sensitive: Sealed


@membership_event("HardshipCaseClosed")
class HardshipCaseClosed(Event):
    """A young person leaves the hardship list."""

    case_id: str
    unit_id: UnitId
    closed_on: date
    reason: str


@membership_event("HardshipListReviewed")
class HardshipListReviewed(Event):
    """A unit reviews its hardship list."""

    unit_id: UnitId
    reviewed_on: date
    open_cases: int = Field(ge=0)


@membership_event("CareActionRecorded")
class CareActionRecorded(Event):
    """Help given to a young person on the hardship list (hoạt động chăm lo)."""

    case_id: str
    unit_id: UnitId
    acted_on: date
    action: str


@membership_event("YouthRecruited")
class YouthRecruited(Event):
    """A member brings a young person into the Đoàn or the Youth Association ("1+1")."""

    recruit_id: str
    recruiter_member_id: str
    unit_id: UnitId
    recruited_on: date
    into: str = Field(pattern=r"^(doan|association)$", description="doan (Đoàn) or association (Hội)")


# The Party


@membership_event("PartyReferral")
class PartyReferral(Event):
    """An outstanding member is introduced to the Party (giới thiệu đoàn viên ưu tú cho Đảng xem xét kết nạp)."""

    referral_id: str
    member_id: str
    referred_on: date
    decision_ref: str = ""


@membership_event("PartyAdmissionDecided")
class PartyAdmissionDecided(Event):
    """The outcome of a referral: admitted to the Party (kết nạp Đảng) or not."""

    referral_id: str
    member_id: str
    decided_on: date
    admitted: bool


# Erasure


@membership_event("PersonErased")
class PersonErased(Event):
    """A person's key was destroyed at their request: their sealed fields are unreadable everywhere."""

    person_id: str
    erased_on: date
    request_ref: str
