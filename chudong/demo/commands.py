"""The HTTP command that records each demo event, as an officer's client would send it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chudong.demo.generator import DemoEvent
from shared.clock import local_date
from shared.contracts import evaluation as ev
from shared.contracts import membership as ms
from shared.contracts import planning as pl


@dataclass(frozen=True, slots=True)
class Command:
    service: str
    method: str
    path: str
    body: dict[str, Any]
    as_unit: str = "vn"  # the unit whose officer sends it: the central admin, unless a unit decides


def _fields(payload: Any, *names: str) -> dict[str, Any]:
    data: dict[str, Any] = payload.model_dump(mode="json")
    return {name: data[name] for name in names}


def command_for(event: DemoEvent) -> Command:
    """The request that makes the owning service record ``event``."""
    p = event.payload
    m = "membership"
    if isinstance(p, ms.UnitRegistered):
        body = _fields(p, "unit_id", "name", "level", "unit_type", "parent_id", "established_on")
        if p.recognising_unit_id:
            body["recognising_unit_id"] = p.recognising_unit_id
        if p.established_on:
            body["established_on"] = p.established_on.isoformat()
        return Command(m, "POST", "/units", body)
    if isinstance(p, ms.MemberJoined):
        body = _fields(p, "member_id", "branch_id", "joined_on", "admission_decision_ref", "referred_by")
        body["profile"] = event.personal
        return Command(m, "POST", "/members", body)
    if isinstance(p, ms.BranchRosterReviewed):
        return Command(m, "POST", f"/units/{p.branch_id}/roster-reviews", _fields(p, "reviewed_on"))
    if isinstance(p, ms.HardshipListReviewed):
        return Command(m, "POST", f"/units/{p.unit_id}/hardship-reviews", _fields(p, "reviewed_on"))
    if isinstance(p, ms.YouthSituationReported):
        body = _fields(p, "quarter", "submitted_on", "summary")
        return Command(m, "POST", f"/units/{p.unit_id}/youth-situation-reports", body)
    if isinstance(p, ms.YouthCensusRecorded):
        return Command(m, "POST", f"/units/{p.unit_id}/youth-census", _fields(p, "as_of", "counts"))
    member = f"/members/{getattr(p, 'member_id', '')}"
    if isinstance(p, ms.TrainingProgrammeRegistered):
        return Command(m, "POST", f"{member}/training", _fields(p, "year"))
    if isinstance(p, ms.TrainingProgrammeEvaluated):
        return Command(m, "POST", f"{member}/training/{p.year}/evaluation", _fields(p, "result"))
    if isinstance(p, ms.MemberRated):
        body = _fields(p, "year", "rating") | {"rated_on": local_date(event.occurred_at).isoformat()}
        return Command(m, "POST", f"{member}/ratings", body)
    if isinstance(p, ms.MemberTransferRequested):
        body = _fields(p, "transfer_id", "to_branch_id", "requested_on")
        return Command(m, "POST", f"{member}/transfers", body)
    if isinstance(p, ms.MemberTransferReleased):
        return Command(m, "POST", f"{member}/transfers/{p.transfer_id}/release", _fields(p, "released_on"))
    if isinstance(p, ms.MemberTransferAccepted):
        return Command(m, "POST", f"{member}/transfers/{p.transfer_id}/accept", _fields(p, "accepted_on"))
    if isinstance(p, ms.MemberMatured):
        return Command(m, "POST", f"{member}/maturity", _fields(p, "matured_on"))
    if isinstance(p, ms.MembershipExtended):
        return Command(m, "POST", f"{member}/extensions", _fields(p, "until", "reason"))
    if isinstance(p, ms.MemberDisciplined):
        return Command(m, "POST", f"{member}/discipline", _fields(p, "level", "decision_ref", "decided_on"))
    if isinstance(p, ms.YouthRecruited):
        body = _fields(p, "recruit_id", "into", "recruited_on")
        return Command(m, "POST", f"/members/{p.recruiter_member_id}/recruits", body)
    if isinstance(p, ms.PartyReferral):
        body = _fields(p, "referral_id", "referred_on", "decision_ref")
        return Command(m, "POST", f"{member}/party-referrals", body)
    if isinstance(p, ms.PartyAdmissionDecided):
        path = f"{member}/party-referrals/{p.referral_id}/outcome"
        return Command(m, "POST", path, _fields(p, "admitted", "decided_on"))
    if isinstance(p, ev.SelfAssessmentSubmitted):
        body = _fields(p, "year", "submitted_on", "claims")
        return Command("evaluation", "POST", f"/units/{p.unit_id}/self-assessment", body)
    return _planning(p)


def _planning(p: Any) -> Command:
    n = "planning"
    if isinstance(p, pl.ModelRegistered):
        body = _fields(p, "year", "registered_on")
        return Command(n, "POST", f"/units/{p.unit_id}/model-registrations", body)
    if isinstance(p, pl.PlanDrafted):
        return Command(n, "PUT", f"/units/{p.unit_id}/plans/{p.year}/{p.kind.value}", _fields(p, "title"))
    if isinstance(p, pl.PlanSubmitted):
        return Command(
            n, "POST", f"/plans/{p.plan_id}/submissions", _fields(p, "submitted_to", "submitted_on")
        )
    if isinstance(p, pl.PartyCommitteeOpinionRecorded):
        return Command(n, "POST", f"/plans/{p.plan_id}/party-opinion", _fields(p, "recorded_on", "opinion"))
    if isinstance(p, pl.PlanApproved):
        # Approved by the union's recognising unit: its officer sends it, and planning records it so.
        body = _fields(p, "approved_on")
        return Command(n, "POST", f"/plans/{p.plan_id}/approval", body, as_unit=p.approved_by_unit_id)
    if isinstance(p, pl.MonthlyTasksAssigned):
        body = _fields(p, "month", "assigned_on", "branch_ids", "tasks")
        return Command(n, "POST", f"/units/{p.unit_id}/monthly-tasks", body)
    if isinstance(p, pl.BranchMeetingHeld):
        body = _fields(p, "meeting_id", "held_on", "kind", "present_count", "expected_count", "agenda")
        return Command(n, "POST", f"/branches/{p.branch_id}/meetings", body)
    if isinstance(p, pl.PeriodicReportSubmitted):
        return Command(
            n, "POST", f"/units/{p.unit_id}/periodic-reports", _fields(p, "period", "submitted_on")
        )
    if isinstance(p, pl.ActivityScheduled):
        body = _fields(p, "activity_id", "title", "scheduled_on", "criterion")
        return Command(n, "POST", f"/units/{p.unit_id}/activities", body)
    if isinstance(p, pl.ActivityHeld):
        return Command(n, "POST", f"/activities/{p.activity_id}/held", _fields(p, "held_on", "participants"))
    if isinstance(p, pl.ActivityCancelled):
        body = _fields(p, "cancelled_on", "reason")
        return Command(n, "POST", f"/activities/{p.activity_id}/cancellation", body)
    if isinstance(p, pl.YouthProjectRegistered):
        body = _fields(p, "project_id", "title", "kind", "registered_on", "year")
        return Command(n, "POST", f"/units/{p.unit_id}/youth-projects", body)
    if isinstance(p, pl.YouthProjectCompleted):
        body = _fields(p, "completed_on", "value_vnd")
        return Command(n, "POST", f"/youth-projects/{p.project_id}/completion", body)
    if isinstance(p, pl.ReviewHeld):
        return Command(n, "POST", f"/units/{p.unit_id}/reviews", _fields(p, "year", "kind", "held_on"))
    if isinstance(p, pl.DialogueHeld):
        body = _fields(p, "dialogue_id", "held_on", "leaders", "participants")
        return Command(n, "POST", f"/units/{p.unit_id}/dialogues", body)
    if isinstance(p, pl.AdvisoryProposalSubmitted):
        body = _fields(p, "proposal_id", "submitted_to", "subject", "submitted_on")
        return Command(n, "POST", f"/units/{p.unit_id}/advisory-proposals", body)
    if isinstance(p, pl.AdvisoryOutcomeRecorded):
        body = _fields(p, "outcome", "recorded_on", "note")
        return Command(n, "POST", f"/advisory-proposals/{p.proposal_id}/outcome", body)
    if isinstance(p, pl.PartyCommitteeBriefed):
        return Command(n, "POST", f"/units/{p.unit_id}/party-briefings", _fields(p, "briefed_on", "topic"))
    if isinstance(p, pl.CoordinationAgreementSigned):
        body = _fields(p, "agreement_id", "partner", "signed_on")
        return Command(n, "POST", f"/units/{p.unit_id}/coordination-agreements", body)
    if isinstance(p, pl.JointActivityHeld):
        body = _fields(p, "joint_activity_id", "held_on", "title")
        return Command(n, "POST", f"/coordination-agreements/{p.agreement_id}/joint-activities", body)
    raise ValueError(f"no HTTP command records {type(p).__name__}")
