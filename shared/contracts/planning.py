"""Events owned by the planning service: plans, branch life, work, advice to the Party and coordination.

Evidence (minutes, decisions) is stored by planning; an event carries its
reference and SHA-256, so anyone can check the file was not changed since.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import partial

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.membership import MONTH_PATTERN, QUARTER_PATTERN
from shared.events import Event, event_type
from shared.ids import UnitId

planning_event = partial(event_type, service="planning")


class EvidenceRef(BaseModel):
    """A stored file (minutes, a decision) named by its reference and fixed by its hash."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    attachment_id: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class PlanKind(StrEnum):
    ANNUAL_PLAN = "annual_plan"  # kế hoạch công tác năm
    ACTION_PROGRAMME = "action_programme"  # chương trình hành động


class SubmittedTo(StrEnum):
    UPPER_LEVEL = "upper_level"  # Đoàn cấp trên
    PARTY_COMMITTEE = "party_committee"  # cấp ủy cùng cấp


class Target(BaseModel):
    """A measurable target of a plan, tied to a criterion (1, 2 or 3) and optionally an indicator."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    criterion: int = Field(ge=1, le=3)
    indicator_id: str | None = None
    description: str
    quantity: float | None = None
    unit: str | None = None


# Plans


@planning_event("PlanDrafted")
class PlanDrafted(Event):
    """A unit drafts its annual plan or action programme (dự thảo kế hoạch)."""

    plan_id: str
    unit_id: UnitId
    year: int
    kind: PlanKind
    title: str
    targets: tuple[Target, ...] = ()


@planning_event("PlanSubmitted")
class PlanSubmitted(Event):
    """The plan goes to the upper level or the Party committee for approval or opinion (trình)."""

    plan_id: str
    unit_id: UnitId
    year: int
    submitted_to: SubmittedTo
    submitted_on: date


@planning_event("PlanReturned")
class PlanReturned(Event):
    """The upper level sends the plan back with reasons (trả lại)."""

    plan_id: str
    unit_id: UnitId
    year: int
    returned_on: date
    reasons: tuple[str, ...]


@planning_event("PlanApproved")
class PlanApproved(Event):
    """The upper level approves the plan (phê duyệt)."""

    plan_id: str
    unit_id: UnitId
    year: int
    kind: PlanKind
    approved_on: date
    approved_by_unit_id: UnitId


@planning_event("PartyCommitteeOpinionRecorded")
class PartyCommitteeOpinionRecorded(Event):
    """The Party committee's opinion on a plan (ý kiến của cấp ủy)."""

    plan_id: str
    unit_id: UnitId
    year: int
    recorded_on: date
    opinion: str


@planning_event("ModelRegistered")
class ModelRegistered(Event):
    """A grassroots union registers to build the "3 chủ động" model with its recognising unit (đăng ký)."""

    unit_id: UnitId
    year: int
    registered_on: date
    recognising_unit_id: UnitId
    deadline: date | None = None


# Branch life


class MeetingKind(StrEnum):
    PERIODIC = "periodic"  # sinh hoạt định kỳ
    THEMATIC = "thematic"  # sinh hoạt chuyên đề
    JOINT = "joint"  # sinh hoạt liên chi ("1 liên kết")


@planning_event("BranchMeetingHeld")
class BranchMeetingHeld(Event):
    """A branch meets (sinh hoạt chi đoàn); a joint meeting names its host and the other branches."""

    meeting_id: str
    branch_id: UnitId
    held_on: date
    kind: MeetingKind
    attendees: tuple[str, ...] = Field(default=(), description="member ids present")
    present_count: int = Field(ge=0)
    expected_count: int = Field(ge=0)
    agenda: str = ""
    minutes: EvidenceRef | None = None
    joint_branch_ids: tuple[UnitId, ...] = ()


@planning_event("SecretaryBriefingHeld")
class SecretaryBriefingHeld(Event):
    """The upper level briefs branch secretaries (giao ban, "2 giao"), with who attended."""

    briefing_id: str
    unit_id: UnitId
    held_on: date
    attending_branch_ids: tuple[UnitId, ...]
    attendee_member_ids: tuple[str, ...] = ()


@planning_event("MonthlyTasksAssigned")
class MonthlyTasksAssigned(Event):
    """The grassroots union assigns the month's tasks to its branches (giao nhiệm vụ hằng tháng)."""

    unit_id: UnitId
    month: str = Field(pattern=MONTH_PATTERN)
    assigned_on: date
    branch_ids: tuple[UnitId, ...]
    tasks: tuple[str, ...]


# Work


@planning_event("ActivityScheduled")
class ActivityScheduled(Event):
    """An activity is planned (hoạt động theo kế hoạch)."""

    activity_id: str
    unit_id: UnitId
    title: str
    scheduled_on: date
    criterion: int | None = Field(default=None, ge=1, le=3)


@planning_event("ActivityHeld")
class ActivityHeld(Event):
    """A planned activity took place."""

    activity_id: str
    unit_id: UnitId
    held_on: date
    participants: int = Field(ge=0)
    evidence: EvidenceRef | None = None


@planning_event("ActivityCancelled")
class ActivityCancelled(Event):
    """A planned activity was cancelled, with the reason."""

    activity_id: str
    unit_id: UnitId
    cancelled_on: date
    reason: str


class ProjectKind(StrEnum):
    PROJECT = "project"  # công trình thanh niên
    TASK = "task"  # phần việc thanh niên


@planning_event("YouthProjectRegistered")
class YouthProjectRegistered(Event):
    """A youth project is registered (đăng ký công trình, phần việc thanh niên)."""

    project_id: str
    unit_id: UnitId
    title: str
    kind: ProjectKind
    registered_on: date
    year: int


@planning_event("YouthProjectCompleted")
class YouthProjectCompleted(Event):
    """A youth project is completed (hoàn thành), with its value."""

    project_id: str
    unit_id: UnitId
    completed_on: date
    value_vnd: int | None = Field(default=None, ge=0)
    evidence: EvidenceRef | None = None


@planning_event("PeriodicReportSubmitted")
class PeriodicReportSubmitted(Event):
    """A quarterly report goes to the upper level (báo cáo định kỳ)."""

    unit_id: UnitId
    period: str = Field(pattern=QUARTER_PATTERN)
    submitted_on: date
    evidence: EvidenceRef | None = None


class ReviewKind(StrEnum):
    MID_YEAR = "mid_year"  # sơ kết 6 tháng
    YEAR_END = "year_end"  # tổng kết năm


@planning_event("ReviewHeld")
class ReviewHeld(Event):
    """A mid-year or year-end review (sơ kết, tổng kết)."""

    unit_id: UnitId
    year: int
    kind: ReviewKind
    held_on: date
    evidence: EvidenceRef | None = None


class InspectionKind(StrEnum):
    INSPECTION = "inspection"  # kiểm tra
    SELF_CRITICISM = "self_criticism"  # tự phê bình và phê bình


@planning_event("InspectionHeld")
class InspectionHeld(Event):
    """An inspection or a self-criticism session."""

    unit_id: UnitId
    kind: InspectionKind
    held_on: date
    findings: str = ""


@planning_event("GoodModelRecognised")
class GoodModelRecognised(Event):
    """A good model or example is recognised and spread (mô hình hay, gương điển hình)."""

    model_id: str
    unit_id: UnitId
    title: str
    recognised_on: date


# Advice and coordination


class AdvisoryTarget(StrEnum):
    PARTY_COMMITTEE = "party_committee"  # cấp ủy
    GOVERNMENT = "government"  # chính quyền


class AdvisoryOutcome(StrEnum):
    ADOPTED = "adopted"
    PARTLY_ADOPTED = "partly_adopted"
    NOT_ADOPTED = "not_adopted"


@planning_event("AdvisoryProposalSubmitted")
class AdvisoryProposalSubmitted(Event):
    """A proposal to the Party committee or government (tham mưu, đề xuất)."""

    proposal_id: str
    unit_id: UnitId
    submitted_to: AdvisoryTarget
    subject: str
    submitted_on: date


@planning_event("AdvisoryOutcomeRecorded")
class AdvisoryOutcomeRecorded(Event):
    """What became of a proposal."""

    proposal_id: str
    unit_id: UnitId
    outcome: AdvisoryOutcome
    recorded_on: date
    note: str = ""


@planning_event("PartyCommitteeBriefed")
class PartyCommitteeBriefed(Event):
    """The Party committee is briefed on youth work (báo cáo cấp ủy)."""

    unit_id: UnitId
    briefed_on: date
    topic: str


@planning_event("CoordinationAgreementSigned")
class CoordinationAgreementSigned(Event):
    """A coordination agreement with a named partner body (quy chế, chương trình phối hợp)."""

    agreement_id: str
    unit_id: UnitId
    partner: str
    signed_on: date
    ends_on: date | None = None
    evidence: EvidenceRef | None = None


@planning_event("CoordinationAgreementEnded")
class CoordinationAgreementEnded(Event):
    """A coordination agreement ends."""

    agreement_id: str
    unit_id: UnitId
    ended_on: date
    reason: str = ""


@planning_event("JointActivityHeld")
class JointActivityHeld(Event):
    """An activity held with a partner under a coordination agreement."""

    joint_activity_id: str
    agreement_id: str
    unit_id: UnitId
    held_on: date
    title: str


@planning_event("DialogueHeld")
class DialogueHeld(Event):
    """Leaders meet the youth in dialogue (đối thoại giữa lãnh đạo và thanh niên)."""

    dialogue_id: str
    unit_id: UnitId
    held_on: date
    leaders: tuple[str, ...]
    participants: int = Field(ge=0)


@planning_event("ResourcesMobilised")
class ResourcesMobilised(Event):
    """Resources raised from agencies and enterprises (huy động nguồn lực), in VND or in kind."""

    mobilisation_id: str
    unit_id: UnitId
    mobilised_on: date
    source: str
    amount_vnd: int = Field(default=0, ge=0)
    in_kind: str = ""


@planning_event("EvidenceAttached")
class EvidenceAttached(Event):
    """A file is stored as evidence (biên bản, quyết định) for something a unit recorded."""

    attachment_id: str
    unit_id: UnitId
    file_name: str
    media_type: str
    size_bytes: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    subject_event_id: str | None = None
