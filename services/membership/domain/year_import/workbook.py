"""The year workbook's template (mẫu sổ nhập số liệu năm): its sheets, their columns and Vietnamese headers,
and its rows read as typed values.

Each sheet is one kind of record on paper; each row one record. A column is read by its kind
(:mod:`.cells`); a required one must be filled. How a source sheet's headers and values stand for the
template's is said by a :class:`SheetReading` (:mod:`.mapping` builds it; chudong's own template reads
itself). The documentation of every sheet and column (docs/import.md) is written from these definitions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from services.membership.domain.year_import.cells import (
    MEMBER_ID,
    RECORD_ID,
    UNIT_ID,
    YEAR,
    CellError,
    Choice,
    Day,
    Identifier,
    Identifiers,
    Kind,
    Lines,
    Number,
    PeriodKind,
    Text,
    UnreadableCellError,
    label,
)
from shared.contracts.membership import Rating
from shared.contracts.org import UnitLevel, UnitType
from shared.contracts.planning import AdvisoryOutcome, AdvisoryTarget, MeetingKind, PlanKind, ProjectKind
from shared.ids import PERSON_ID_PATTERN


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    kind: Kind
    required: bool = False
    about: str = ""


@dataclass(frozen=True, slots=True)
class Sheet:
    key: str
    title: str
    about: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def find(self, name: str) -> Column | None:
        """The column called ``name``: its key or its header (case and spacing aside)."""
        wanted = label(name)
        return next((c for c in self.columns if wanted in (label(c.key), label(c.header))), None)


class ReportKind(StrEnum):
    """What a row of the sheet "Báo cáo" records."""

    PERIODIC_REPORT = "periodic_report"
    YOUTH_SITUATION = "youth_situation"
    MID_YEAR_REVIEW = "mid_year_review"
    YEAR_END_REVIEW = "year_end_review"
    ROSTER_REVIEW = "roster_review"
    HARDSHIP_REVIEW = "hardship_review"
    PARTY_BRIEFING = "party_briefing"
    MODEL_REGISTRATION = "model_registration"
    MONTHLY_TASKS = "monthly_tasks"
    DIALOGUE = "dialogue"
    SELF_ASSESSMENT = "self_assessment"


REPORT_LABELS: dict[str, ReportKind] = {
    "Báo cáo định kỳ": ReportKind.PERIODIC_REPORT,
    "Báo cáo tình hình thanh niên": ReportKind.YOUTH_SITUATION,
    "Sơ kết 6 tháng": ReportKind.MID_YEAR_REVIEW,
    "Sơ kết": ReportKind.MID_YEAR_REVIEW,
    "Tổng kết năm": ReportKind.YEAR_END_REVIEW,
    "Tổng kết": ReportKind.YEAR_END_REVIEW,
    "Rà soát danh sách đoàn viên": ReportKind.ROSTER_REVIEW,
    "Rà soát danh sách thanh niên khó khăn": ReportKind.HARDSHIP_REVIEW,
    "Báo cáo cấp ủy": ReportKind.PARTY_BRIEFING,
    "Đăng ký xây dựng mô hình": ReportKind.MODEL_REGISTRATION,
    "Giao nhiệm vụ hằng tháng": ReportKind.MONTHLY_TASKS,
    "Đối thoại": ReportKind.DIALOGUE,
    "Tự đánh giá": ReportKind.SELF_ASSESSMENT,
}

LEVELS: dict[str, UnitLevel] = {
    "Tỉnh đoàn": UnitLevel.PROVINCE,
    "Thành đoàn": UnitLevel.PROVINCE,
    "Huyện đoàn": UnitLevel.DISTRICT,
    "Quận đoàn": UnitLevel.DISTRICT,
    "Thị đoàn": UnitLevel.DISTRICT,
    "Đoàn trực thuộc": UnitLevel.DISTRICT,
    "Đoàn cơ sở": UnitLevel.GRASSROOTS,
    "Liên chi đoàn": UnitLevel.INTER_BRANCH,
    "Chi đoàn": UnitLevel.BRANCH,
}
UNIT_TYPES: dict[str, UnitType] = {
    "Xã, phường, thị trấn": UnitType.COMMUNE_WARD,
    "Xã": UnitType.COMMUNE_WARD,
    "Phường": UnitType.COMMUNE_WARD,
    "Thị trấn": UnitType.COMMUNE_WARD,
    "Trường học": UnitType.SCHOOL,
    "Doanh nghiệp": UnitType.ENTERPRISE,
    "Cơ quan nhà nước": UnitType.STATE_AGENCY,
    "Cơ quan": UnitType.STATE_AGENCY,
    "Lực lượng vũ trang": UnitType.ARMED_FORCES,
    "Khác": UnitType.OTHER,
}
GENDERS = {"Nam": "male", "Nữ": "female", "Khác": "other"}
MEETING_KINDS: dict[str, MeetingKind] = {
    "Định kỳ": MeetingKind.PERIODIC,
    "Chuyên đề": MeetingKind.THEMATIC,
    "Liên chi": MeetingKind.JOINT,
    "Liên kết": MeetingKind.JOINT,
}
PLAN_KINDS: dict[str, PlanKind] = {
    "Kế hoạch công tác năm": PlanKind.ANNUAL_PLAN,
    "Chương trình hành động": PlanKind.ACTION_PROGRAMME,
}
PROJECT_KINDS: dict[str, ProjectKind] = {
    "Công trình thanh niên": ProjectKind.PROJECT,
    "Công trình": ProjectKind.PROJECT,
    "Phần việc thanh niên": ProjectKind.TASK,
    "Phần việc": ProjectKind.TASK,
}
ADVISORY_TARGETS: dict[str, AdvisoryTarget] = {
    "Cấp ủy": AdvisoryTarget.PARTY_COMMITTEE,
    "Chính quyền": AdvisoryTarget.GOVERNMENT,
}
OUTCOMES: dict[str, AdvisoryOutcome] = {
    "Tiếp thu": AdvisoryOutcome.ADOPTED,
    "Tiếp thu một phần": AdvisoryOutcome.PARTLY_ADOPTED,
    "Không tiếp thu": AdvisoryOutcome.NOT_ADOPTED,
}
RATINGS: dict[str, Rating] = {
    "Hoàn thành xuất sắc nhiệm vụ": Rating.EXCELLENT,
    "Hoàn thành tốt nhiệm vụ": Rating.GOOD,
    "Hoàn thành nhiệm vụ": Rating.COMPLETED,
    "Không hoàn thành nhiệm vụ": Rating.NOT_COMPLETED,
}
ADMITTED = {"Được kết nạp": True, "Không được kết nạp": False, "Có": True, "Không": False}

COUNT = Number(0, 10_000_000)
REFERENCE = Identifier(PERSON_ID_PATTERN, "an id: letters, digits, '-' and '_' (at most 64)")


def _c(key: str, header: str, kind: Kind, about: str, required: bool = False) -> Column:
    return Column(key, header, kind, required, about)


def _unit(about: str = "the unit that records it (mã đơn vị), registered or in the sheet Đơn vị") -> Column:
    return _c("unit_id", "Mã đơn vị", UNIT_ID, about, True)


UNITS = Sheet(
    "units",
    "Đơn vị",
    "The tree with its dates: every unit the other sheets name that is not registered yet, "
    "parents before or after their children (the import orders them).",
    (
        _c("unit_id", "Mã đơn vị", UNIT_ID, "the unit's code, used by every other sheet", True),
        _c("name", "Tên đơn vị", Text(300), "its name", True),
        _c("level", "Cấp", Choice(LEVELS), "its level in the tree", True),
        _c("unit_type", "Loại hình", Choice(UNIT_TYPES), "the body it sits in (schools run September–August)", True),
        _c("parent_id", "Mã đơn vị cấp trên", UNIT_ID, "the unit directly above it", True),
        _c("recognising_unit_id", "Đơn vị công nhận", UNIT_ID, "for an Đoàn cơ sở: the unit above it that recognises it (default: its parent)"),
        _c("established_on", "Ngày thành lập", Day(), "the founding day: records before it are refused", True),
        _c("closed_on", "Ngày giải thể", Day(), "for a unit dissolved or merged: the day it closed"),
        _c("closure_reason", "Lý do giải thể", Text(500, multiline=True), "why it closed (required with Ngày giải thể)"),
    ),
)  # fmt: skip

MEMBERS = Sheet(
    "members",
    "Đoàn viên",
    "Members admitted, in the member list's columns (Mã đoàn viên … Số quyết định kết nạp), and who "
    'brought them in ("1+1").',
    (
        _c("member_id", "Mã đoàn viên", MEMBER_ID, "the member's id, by which the other sheets name them", True),
        _c("full_name", "Họ và tên", Text(200), "full name", True),
        _c("birth_date", "Ngày sinh", Day(), "date of birth (16 to 30 on the day of admission)", True),
        _c("gender", "Giới tính", Choice(GENDERS), "Nam, Nữ or Khác"),
        _c("ethnicity", "Dân tộc", Text(100), "ethnicity (sensitive: sealed with the profile)"),
        _c("religion", "Tôn giáo", Text(100), "religion (sensitive: sealed with the profile)"),
        _c("phone", "Điện thoại", Text(30), "phone"),
        _c("email", "Email", Text(200), "e-mail"),
        _c("address", "Nơi ở", Text(500), "where they live"),
        _c("branch_id", "Mã chi đoàn", UNIT_ID, "the branch they joined", True),
        _c("joined_on", "Ngày vào Đoàn", Day(), "the day of admission", True),
        _c("admission_decision_ref", "Số quyết định kết nạp", Text(100), "the admission decision's number", True),
        _c("referred_by", "Người giới thiệu (1+1)", MEMBER_ID, 'the member of the same union who brought them in ("1+1")'),
    ),
)  # fmt: skip

MEETINGS = Sheet(
    "meetings",
    "Sinh hoạt chi đoàn",
    "Branch meetings with their attendance: who was present (by member id), or how many.",
    (
        _c("meeting_id", "Mã buổi sinh hoạt", RECORD_ID, "an id of your own (default: one made from the row)"),
        _c("branch_id", "Mã chi đoàn", UNIT_ID, "the branch that met (the host of a joint meeting)", True),
        _c("held_on", "Ngày sinh hoạt", Day(), "the day it met", True),
        _c("kind", "Hình thức", Choice(MEETING_KINDS), "Định kỳ, Chuyên đề or Liên chi", True),
        _c("attendees", "Đoàn viên có mặt", Identifiers(MEMBER_ID), "the members present, by id, separated by ','; each a member of the branch on that day"),
        _c("present_count", "Số có mặt", COUNT, "how many were present (default: the members named)"),
        _c("expected_count", "Số đoàn viên của chi đoàn", COUNT, "how many members the branch had (default: its active members on that day)"),
        _c("agenda", "Nội dung", Text(5000, multiline=True), "what was discussed"),
        _c("joint_branch_ids", "Chi đoàn cùng sinh hoạt", Identifiers(UNIT_ID, 50), "for a joint meeting: the other branches"),
    ),
)  # fmt: skip

PLANS = Sheet(
    "plans",
    "Kế hoạch",
    "Plans and their steps: drafted, submitted to the upper level and approved; sent to the Party "
    "committee and its opinion. A step's date left empty is a step not taken.",
    (
        _unit(),
        _c("year", "Năm", YEAR, "the plan's year", True),
        _c("kind", "Loại kế hoạch", Choice(PLAN_KINDS), "Kế hoạch công tác năm or Chương trình hành động", True),
        _c("title", "Tên kế hoạch", Text(500), "its title", True),
        _c("submitted_on", "Ngày trình cấp trên", Day(), "submitted to the upper level"),
        _c("approved_on", "Ngày phê duyệt", Day(), "approved by the upper level (recorded by a token of the upper level)"),
        _c("party_submitted_on", "Ngày trình cấp ủy", Day(), "sent to the Party committee"),
        _c("party_opinion_on", "Ngày cấp ủy cho ý kiến", Day(), "the Party committee's opinion recorded"),
        _c("party_opinion", "Ý kiến cấp ủy", Text(5000, multiline=True), "the opinion (required with its date)"),
    ),
)  # fmt: skip

ACTIVITIES = Sheet(
    "activities",
    "Hoạt động",
    "Activities planned, then held or cancelled.",
    (
        _c("activity_id", "Mã hoạt động", RECORD_ID, "an id of your own (default: one made from the row)"),
        _unit(),
        _c("title", "Tên hoạt động", Text(500), "its title", True),
        _c("scheduled_on", "Ngày dự kiến", Day(), "the day planned", True),
        _c("criterion", "Tiêu chí", Number(1, 3), "the '3 chủ động' criterion it serves: 1, 2 or 3"),
        _c("held_on", "Ngày tổ chức", Day(), "the day it was held"),
        _c("participants", "Số người tham gia", COUNT, "how many took part (required when held)"),
        _c("cancelled_on", "Ngày hủy", Day(), "the day it was cancelled"),
        _c("cancel_reason", "Lý do hủy", Text(2000, multiline=True), "why (required when cancelled)"),
    ),
)  # fmt: skip

PROJECTS = Sheet(
    "projects",
    "Công trình thanh niên",
    "Youth projects and tasks (công trình, phần việc thanh niên), registered, then completed.",
    (
        _c("project_id", "Mã công trình", RECORD_ID, "an id of your own (default: one made from the row)"),
        _unit(),
        _c("title", "Tên công trình, phần việc", Text(500), "its title", True),
        _c("kind", "Loại", Choice(PROJECT_KINDS), "Công trình thanh niên or Phần việc thanh niên", True),
        _c("year", "Năm", YEAR, "the year it counts for", True),
        _c("registered_on", "Ngày đăng ký", Day(), "the day it was registered", True),
        _c("completed_on", "Ngày hoàn thành", Day(), "the day it was completed"),
        _c("value_vnd", "Giá trị (đồng)", Number(0, 10**15), "its value in đồng"),
    ),
)  # fmt: skip

PROPOSALS = Sheet(
    "proposals",
    "Tham mưu, đề xuất",
    "Advisory proposals to the Party committee or the government, and what became of them.",
    (
        _c("proposal_id", "Mã đề xuất", RECORD_ID, "an id of your own (default: one made from the row)"),
        _unit(),
        _c("submitted_to", "Gửi tới", Choice(ADVISORY_TARGETS), "Cấp ủy or Chính quyền", True),
        _c("subject", "Nội dung đề xuất", Text(2000), "what was proposed", True),
        _c("submitted_on", "Ngày gửi", Day(), "the day it was sent", True),
        _c("outcome", "Kết quả", Choice(OUTCOMES), "Tiếp thu, Tiếp thu một phần or Không tiếp thu"),
        _c("outcome_on", "Ngày có kết quả", Day(), "the day of the answer (required with Kết quả)"),
        _c("note", "Ghi chú", Text(5000, multiline=True), "a note on the outcome"),
    ),
)  # fmt: skip

AGREEMENTS = Sheet(
    "agreements",
    "Quy chế phối hợp",
    "Coordination agreements with partner bodies.",
    (
        _c("agreement_id", "Mã quy chế", RECORD_ID, "its id, by which the sheet Hoạt động phối hợp names it", True),
        _unit(),
        _c("partner", "Đơn vị phối hợp", Text(300), "the partner body", True),
        _c("signed_on", "Ngày ký", Day(), "the day it was signed", True),
        _c("ends_on", "Ngày hết hiệu lực", Day(), "the day it ends, if it says"),
    ),
)  # fmt: skip

JOINT_ACTIVITIES = Sheet(
    "joint_activities",
    "Hoạt động phối hợp",
    "Activities held with a partner under an agreement of the sheet Quy chế phối hợp.",
    (
        _c("joint_activity_id", "Mã hoạt động phối hợp", RECORD_ID, "an id of your own (default: one made from the row)"),
        _c("agreement_id", "Mã quy chế", RECORD_ID, "the agreement (a row of Quy chế phối hợp)", True),
        _c("held_on", "Ngày tổ chức", Day(), "the day it was held", True),
        _c("title", "Tên hoạt động", Text(2000), "what was done", True),
    ),
)  # fmt: skip

RATINGS_SHEET = Sheet(
    "ratings",
    "Xếp loại đoàn viên",
    "The annual rating of each member (six months in the branch first).",
    (
        _c("member_id", "Mã đoàn viên", MEMBER_ID, "the member rated", True),
        _c("year", "Năm", YEAR, "the year rated", True),
        _c("rating", "Xếp loại", Choice(RATINGS), "Hoàn thành xuất sắc nhiệm vụ, … Không hoàn thành nhiệm vụ", True),
        _c("rated_on", "Ngày xếp loại", Day(), "the day of the rating", True),
    ),
)  # fmt: skip

REFERRALS = Sheet(
    "referrals",
    "Giới thiệu kết nạp Đảng",
    "Outstanding members introduced to the Party, and the Party's decision.",
    (
        _c("referral_id", "Mã giới thiệu", REFERENCE, "an id of your own (default: one made from the row)"),
        _c("member_id", "Mã đoàn viên", MEMBER_ID, "the member introduced", True),
        _c("referred_on", "Ngày giới thiệu", Day(), "the day of the introduction", True),
        _c("decision_ref", "Số văn bản giới thiệu", Text(100), "the introduction's number"),
        _c("admitted", "Kết quả", Choice(ADMITTED), "Được kết nạp or Không được kết nạp, once decided"),
        _c("decided_on", "Ngày quyết định", Day(), "the day of the Party's decision (required with Kết quả)"),
    ),
)  # fmt: skip

REPORTS = Sheet(
    "reports",
    "Báo cáo",
    "Reports upward, reviews and the other dated duties of a unit, one per row; Loại says which.",
    (
        _unit("the unit that reports (a branch for Rà soát danh sách đoàn viên)"),
        _c("kind", "Loại", Choice(REPORT_LABELS), "which report or duty (see docs/import.md)", True),
        _c("period", "Kỳ", PeriodKind(), "the period it covers: 2025-Q1 for a quarter, 2025-03 for a month, 2025 for a year"),
        _c("on", "Ngày", Day(), "the day it was submitted or held", True),
        _c("content", "Nội dung", Text(5000, multiline=True), "its summary; the topic of a Party briefing; the tasks of the month, one per line; the leaders of a dialogue, one per line"),
        _c("participants", "Số người tham gia", COUNT, "for a dialogue: how many young people took part"),
    ),
)  # fmt: skip

SHEETS: tuple[Sheet, ...] = (
    UNITS,
    MEMBERS,
    MEETINGS,
    PLANS,
    ACTIVITIES,
    PROJECTS,
    PROPOSALS,
    AGREEMENTS,
    JOINT_ACTIVITIES,
    RATINGS_SHEET,
    REFERRALS,
    REPORTS,
)
SHEETS_BY_KEY = {sheet.key: sheet for sheet in SHEETS}
LEADERS = Lines(300, 50)
TASKS = Lines(1000, 100)


@dataclass(frozen=True, slots=True)
class SheetReading:
    """How a source sheet stands for a template sheet: its title, the row of its headers, which of its
    headers is which column, values to translate, defaults for what it lacks, date formats it writes."""

    sheet: Sheet
    source: str
    header_row: int = 1
    columns: Mapping[str, str] = field(default_factory=dict)  # label(source header) → column key
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # key → {label(source): value}
    defaults: Mapping[str, Any] = field(default_factory=dict)  # key → value when the cell is empty
    date_formats: tuple[str, ...] = ()

    def key_of(self, header: str) -> str | None:
        mapped = self.columns.get(label(header))
        if mapped is not None:
            return mapped
        found = self.sheet.find(header)
        return found.key if found is not None else None


@dataclass(frozen=True, slots=True)
class Row:
    """One record of a sheet, read: its typed values, and where each came from (letter, header)."""

    sheet: Sheet
    source: str
    number: int
    values: Mapping[str, Any]
    cells: Mapping[str, tuple[str, str]]  # key → (column letter, header as in the source)

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def where(self, key: str) -> tuple[str, str]:
        """The column of ``key`` as the officer sees it; the template's header when the sheet lacks it."""
        return self.cells.get(key) or ("", self.sheet.column(key).header)

    def error(self, key: str, message: str, accepted: str, value: Any = None) -> CellError:
        letter, header = self.where(key)
        shown = self.values.get(key) if value is None else value
        return CellError(self.source, self.number, letter, header, shown, message, accepted)


def column_letter(index: int) -> str:
    """The spreadsheet's name of the column at ``index`` (0 is A)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_rows(reading: SheetReading, cells: Sequence[Sequence[Any]]) -> tuple[list[Row], list[CellError]]:
    """The rows of a source sheet (``cells``: every row from the first, header included), read as typed
    values; every cell that does not read, and every required column the header lacks, as an error."""
    sheet, source = reading.sheet, reading.source
    header = cells[reading.header_row - 1] if len(cells) >= reading.header_row else ()
    keys: dict[int, str] = {}
    shown: dict[str, tuple[str, str]] = {}
    for index, title in enumerate(header):
        key = reading.key_of(str(title).strip()) if title not in (None, "") else None
        if key is not None and key not in shown:
            keys[index] = key
            shown[key] = (column_letter(index), str(title).strip())
    errors = [
        CellError(
            source,
            reading.header_row,
            "",
            column.header,
            None,
            "the header row lacks this column",
            f"a column headed {column.header!r}" + (" (or a mapping naming it)" if reading.columns else ""),
        )
        for column in sheet.columns
        if column.required and column.key not in shown and column.key not in reading.defaults
    ]
    if errors:
        return [], errors
    rows: list[Row] = []
    for number, raw in enumerate(cells[reading.header_row :], start=reading.header_row + 1):
        given = {keys[i]: _clean(v) for i, v in enumerate(raw) if i in keys}
        if all(v is None for v in given.values()):
            continue
        row, row_errors = _read_row(reading, number, given, shown)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    return rows, errors


def _read_row(
    reading: SheetReading, number: int, given: dict[str, Any], shown: dict[str, tuple[str, str]]
) -> tuple[Row | None, list[CellError]]:
    values: dict[str, Any] = {}
    errors: list[CellError] = []
    for column in reading.sheet.columns:
        raw = given.get(column.key)
        if raw is None:
            raw = reading.defaults.get(column.key)
        letter, header = shown.get(column.key, ("", column.header))
        if raw is None:
            if column.required:
                errors.append(
                    CellError(reading.source, number, letter, header, None, "required", column.kind.accepted)
                )
            continue
        translated = reading.values.get(column.key, {})
        if translated and isinstance(raw, str | int | float):
            raw = translated.get(label(str(raw)), raw)
        try:
            values[column.key] = column.kind.read(raw, reading.date_formats)
        except UnreadableCellError as exc:
            errors.append(CellError(reading.source, number, letter, header, raw, exc.message, exc.accepted))
    if errors:
        return None, errors
    return Row(reading.sheet, reading.source, number, values, shown), []


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value
