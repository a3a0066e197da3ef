"""Membership's commands (lệnh): what an officer asks of the org tree, a member, a case or a person.

Each is handled by the one row of :func:`services.membership.app.commands.command_table`. An id the
service gives a new record (a member, a transfer, a case …) is chosen by the handler when the command
leaves it out, never here: a retry is then the same command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.membership.domain.care import HardshipDetails
from services.membership.domain.profile import Profile
from shared.commands import Command
from shared.contracts.membership import DisciplineLevel, Rating
from shared.contracts.org import UnitLevel, UnitType


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitCommand(Command):
    """A command on one unit, authorised on it."""

    unit_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberCommand(Command):
    """A command on one member, authorised on their branch."""

    member_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseCommand(Command):
    """A command on one hardship case, authorised on its unit."""

    case_id: str


# The org tree


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterUnit(Command):
    """Register a unit under its parent (đăng ký đơn vị); authorised on the parent."""

    unit_id: str
    name: str
    level: UnitLevel
    unit_type: UnitType
    parent_id: str
    recognising_unit_id: str | None = None
    established_on: date | None = None
    """The founding day (ngày thành lập); None: the day it is registered."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RenameUnit(UnitCommand):
    """Give a unit a new name (đổi tên)."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MoveUnit(UnitCommand):
    """Move a unit, and all below it, under another parent (điều chuyển)."""

    new_parent_id: str
    recognising_unit_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseUnit(UnitCommand):
    """Close a unit (giải thể, sáp nhập), perhaps into another of its level."""

    reason: str
    merged_into: str | None = None
    closed_on: date | None = None
    """The day it was dissolved or merged; None: the day the closure is recorded."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CorrectUnitDates(UnitCommand):
    """Correct the days a unit was founded and closed (đính chính ngày thành lập, giải thể)."""

    established_on: date
    closed_on: date | None = None
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewRoster(UnitCommand):
    """A branch reviews its member list (rà soát danh sách đoàn viên)."""

    reviewed_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class RemitDues(UnitCommand):
    """Send a month's dues to the level above (nộp đoàn phí lên cấp trên)."""

    month: str
    amount_vnd: int


# Members


@dataclass(frozen=True, slots=True, kw_only=True)
class AdmitMember(Command):
    """Admit a member into a branch (kết nạp đoàn viên); authorised on the branch."""

    member_id: str | None = None
    branch_id: str
    joined_on: date
    admission_decision_ref: str
    profile: Profile
    referred_by: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateProfile(MemberCommand):
    """Correct or complete a member's personal record (lý lịch đoàn viên)."""

    profile: Profile


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportMemberList(UnitCommand):
    """Admit or update a unit's members from its xlsx list (danh sách đoàn viên): all rows or none."""

    sheet: bytes


# Transfers (chuyển sinh hoạt đoàn)


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestTransfer(MemberCommand):
    """A member asks to move to another branch (đề nghị chuyển sinh hoạt)."""

    to_branch_id: str
    requested_on: date
    transfer_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseTransfer(MemberCommand):
    """The source branch lets the member go."""

    transfer_id: str
    released_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class AcceptTransfer(MemberCommand):
    """The receiving branch takes the member in."""

    transfer_id: str
    accepted_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnTransfer(MemberCommand):
    """The receiving branch refuses the member, who stays where they were."""

    transfer_id: str
    returned_on: date
    reason: str


# A member's lifecycle


@dataclass(frozen=True, slots=True, kw_only=True)
class MatureMember(MemberCommand):
    """Age a member out (trưởng thành đoàn)."""

    matured_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtendMembership(MemberCommand):
    """Keep a member on past 30, never past 35 (gia hạn sinh hoạt)."""

    until: date
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DisciplineMember(MemberCommand):
    """Record a disciplinary decision (kỷ luật)."""

    level: DisciplineLevel
    decision_ref: str
    decided_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class StrikeOffMember(MemberCommand):
    """Strike a member off the list (xóa tên)."""

    struck_on: date
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueCard(MemberCommand):
    """Issue a member card (thẻ đoàn viên)."""

    card_number: str
    issued_on: date


# A member's year on record


@dataclass(frozen=True, slots=True, kw_only=True)
class PayDues(MemberCommand):
    """A month's dues paid (đóng đoàn phí)."""

    month: str
    amount_vnd: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ExemptDues(MemberCommand):
    """A month's dues excused (miễn đoàn phí)."""

    month: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RateMember(MemberCommand):
    """The annual rating (xếp loại đoàn viên)."""

    year: int
    rating: Rating
    rated_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterTraining(MemberCommand):
    """Register for the year's training programme (chương trình rèn luyện đoàn viên)."""

    year: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluateTraining(MemberCommand):
    """Evaluate a year's training programme."""

    year: int
    result: Rating


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewInactivity(MemberCommand):
    """Review an inactive member's case (xem xét đoàn viên không sinh hoạt)."""

    reviewed_on: date
    outcome: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordRecruit(MemberCommand):
    """A young person the member brought in ("1+1")."""

    into: str
    recruited_on: date
    recruit_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferToParty(MemberCommand):
    """Introduce a member to the Party (giới thiệu đoàn viên ưu tú cho Đảng)."""

    referred_on: date
    decision_ref: str = ""
    referral_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DecidePartyAdmission(MemberCommand):
    """The Party's decision on a referral (kết nạp Đảng)."""

    referral_id: str
    admitted: bool
    decided_on: date


# Youth care


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportYouthSituation(UnitCommand):
    """A quarter's report upward on the youth (báo cáo tình hình thanh niên)."""

    quarter: str
    submitted_on: date
    summary: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordYouthCensus(UnitCommand):
    """The youth of the area, counted by category (nắm tình hình thanh niên): never a list of names."""

    as_of: date
    counts: dict[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewHardshipList(UnitCommand):
    """Review the unit's hardship list (rà soát danh sách thanh niên khó khăn)."""

    reviewed_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class ListHardshipCase(UnitCommand):
    """Put a young person on the unit's hardship list, the details sealed under their own key."""

    listed_on: date
    details: HardshipDetails
    case_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseHardshipCase(CaseCommand):
    """Take a young person off the hardship list."""

    closed_on: date
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordCareAction(CaseCommand):
    """Help given to a young person on the list (hoạt động chăm lo)."""

    acted_on: date
    action: str


# A person's rights over their data


@dataclass(frozen=True, slots=True, kw_only=True)
class ErasePerson(Command):
    """Erase a person at their request (quyền xóa dữ liệu): destroy their key."""

    person_id: str
    request_ref: str
