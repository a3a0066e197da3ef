"""Planning's commands (lệnh): what a union or branch records of its plans, its life, its work and advice.

Each is handled by the one row of :func:`services.planning.app.commands.command_table`, but for
:class:`AttachEvidence`, which its route runs with the file it received. A command holds what was asked:
an id left out (``activity_id=None`` …) is chosen by the handler and named in the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.commands import Command
from shared.contracts.planning import (
    AdvisoryOutcome,
    AdvisoryTarget,
    EvidenceRef,
    InspectionKind,
    MeetingKind,
    PlanKind,
    ProjectKind,
    ReviewKind,
    SubmittedTo,
    Target,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitCommand(Command):
    """A command a unit records for itself, authorised on the unit."""

    unit_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanCommand(Command):
    """A command on a drafted plan, authorised on the plan's unit."""

    plan_id: str


# Plans and the model


@dataclass(frozen=True, slots=True, kw_only=True)
class DraftPlan(UnitCommand):
    """Draft the year's plan, or revise it while drafted or returned (dự thảo kế hoạch công tác)."""

    year: int
    kind: PlanKind
    title: str
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitPlan(PlanCommand):
    """Submit the plan to the upper level or the Party committee (trình kế hoạch)."""

    submitted_to: SubmittedTo
    submitted_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class ApprovePlan(PlanCommand):
    """The upper level approves the plan (phê duyệt), deciding as the token's unit."""

    approved_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnPlan(PlanCommand):
    """The upper level returns the plan with its reasons (trả lại kế hoạch)."""

    returned_on: date
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordPartyOpinion(PlanCommand):
    """Record the Party committee's opinion of the plan (ý kiến cấp ủy)."""

    recorded_on: date
    opinion: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterModel(UnitCommand):
    """Register to build the "3 chủ động" model (đăng ký xây dựng mô hình)."""

    year: int
    registered_on: date
    deadline: date | None = None


# Branch life


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldMeeting(Command):
    """Record a branch meeting (sinh hoạt chi đoàn); a joint one ("1 liên kết") names the other branches."""

    branch_id: str
    meeting_id: str | None = None
    held_on: date
    kind: MeetingKind
    attendees: tuple[str, ...] = ()
    present_count: int | None = None
    expected_count: int | None = None
    agenda: str = ""
    minutes: EvidenceRef | None = None
    joint_branch_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldBriefing(UnitCommand):
    """Record a briefing of branch secretaries by the upper level (giao ban, "2 giao")."""

    briefing_id: str | None = None
    held_on: date
    attending_branch_ids: tuple[str, ...]
    attendee_member_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AssignMonthlyTasks(UnitCommand):
    """Give branches the month's tasks (giao nhiệm vụ hằng tháng)."""

    month: str
    assigned_on: date
    branch_ids: tuple[str, ...]
    tasks: tuple[str, ...]


# The unit's work


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleActivity(UnitCommand):
    """Schedule an activity (lên kế hoạch hoạt động)."""

    activity_id: str | None = None
    title: str
    scheduled_on: date
    criterion: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldActivity(Command):
    """The activity took place (tổ chức hoạt động)."""

    activity_id: str
    held_on: date
    participants: int
    evidence: EvidenceRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelActivity(Command):
    """Cancel the activity, with the reason (hủy hoạt động)."""

    activity_id: str
    cancelled_on: date
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterProject(UnitCommand):
    """Register a youth project (công trình, phần việc thanh niên)."""

    project_id: str | None = None
    title: str
    kind: ProjectKind
    registered_on: date
    year: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CompleteProject(Command):
    """The youth project is completed (hoàn thành công trình)."""

    project_id: str
    completed_on: date
    value_vnd: int | None = None
    evidence: EvidenceRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitReport(UnitCommand):
    """Submit the quarterly report upward (báo cáo định kỳ)."""

    period: str
    submitted_on: date
    evidence: EvidenceRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldReview(UnitCommand):
    """Record a mid-year or year-end review (sơ kết, tổng kết)."""

    year: int
    kind: ReviewKind
    held_on: date
    evidence: EvidenceRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldInspection(UnitCommand):
    """Record an inspection or a self-criticism session (kiểm tra, tự phê bình và phê bình)."""

    kind: InspectionKind
    held_on: date
    findings: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RecogniseGoodModel(UnitCommand):
    """Recognise a good model or example (mô hình hay, gương điển hình)."""

    model_id: str | None = None
    title: str
    recognised_on: date


# Advice and coordination


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitProposal(UnitCommand):
    """Submit a proposal to the Party committee or government (tham mưu, đề xuất)."""

    proposal_id: str | None = None
    submitted_to: AdvisoryTarget
    subject: str
    submitted_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordOutcome(Command):
    """Record what became of a proposal (kết quả tham mưu)."""

    proposal_id: str
    outcome: AdvisoryOutcome
    recorded_on: date
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class BriefPartyCommittee(UnitCommand):
    """The Party committee was briefed (báo cáo cấp ủy)."""

    briefed_on: date
    topic: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SignAgreement(UnitCommand):
    """Sign a coordination agreement with a partner body (quy chế phối hợp)."""

    agreement_id: str | None = None
    partner: str
    signed_on: date
    ends_on: date | None = None
    evidence: EvidenceRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EndAgreement(Command):
    """End a coordination agreement (chấm dứt quy chế phối hợp)."""

    agreement_id: str
    ended_on: date
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldJointActivity(Command):
    """Record an activity held with the partner under the agreement (hoạt động phối hợp)."""

    agreement_id: str
    joint_activity_id: str | None = None
    held_on: date
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldDialogue(UnitCommand):
    """Record a dialogue between leaders and youth (đối thoại)."""

    dialogue_id: str | None = None
    held_on: date
    leaders: tuple[str, ...]
    participants: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MobiliseResources(UnitCommand):
    """Record resources mobilised, in VND or in kind (huy động nguồn lực)."""

    mobilisation_id: str | None = None
    mobilised_on: date
    source: str
    amount_vnd: int = 0
    in_kind: str = ""


# Evidence


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachEvidence(UnitCommand):
    """Attach a received file (biên bản, quyết định), named by its bytes' hash.

    Its route authorises it (secretaries attach minutes, officers decisions), receives the bytes and
    runs it with the received file: a file is no value of a command, and a retry is another upload.
    """

    file_name: str
    media_type: str
    sha256: str
    size_bytes: int
    subject_event_id: str | None = None
