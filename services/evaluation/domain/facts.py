"""Facts: the few numbers, dates and ids of an event that the indicators need (dữ kiện).

Every event of membership and planning that an indicator reads becomes one or
more :class:`Fact`; evaluation works on facts only, so the live projection, a
rebuild and ``chudong replay`` compute the same thing from the same history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.clock import local_date
from shared.contracts import evaluation as ev
from shared.contracts import membership as ms
from shared.contracts import planning as pl
from shared.contracts.member_status import status_change
from shared.events import Envelope


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing that happened, where, to whom and when, with the event that says so."""

    fact_id: str
    kind: str
    unit_id: str  # the branch or union it happened in
    subject: str  # the member, transfer, activity … it is about ("" for none)
    on: date  # when it happened, as the user says
    recorded_at: datetime  # when the system learned it
    event_id: str
    number: int = 0
    total: int = 0
    tag: str = ""

    def known_at(self, instant: datetime) -> bool:
        return self.recorded_at <= instant

    @property
    def recorded_on(self) -> date:
        """The day it was recorded, in Vietnam."""
        return local_date(self.recorded_at)

    @property
    def days_late(self) -> int:
        """How many days after the day it happened it was recorded (0 when recorded by then).

        A fact dated by its period (dues by their month, a training registration by its year) counts
        from the period's first day.
        """
        return days_between(self.on, self.recorded_on)


def days_between(happened: date, recorded: date) -> int:
    """How late something that happened on ``happened`` was when recorded on ``recorded`` (never negative)."""
    return max(0, (recorded - happened).days)


Raw = tuple[str, str, str, date, int, int, str]  # kind, unit_id, subject, on, number, total, tag

CATEGORY_LIMIT = 120
"""A census category is kept to the length of a fact's subject."""


def _one(
    kind: str, unit: str, subject: str, on: date, number: int = 0, total: int = 0, tag: str = ""
) -> list[Raw]:
    return [(kind, unit, subject, on, number, total, tag)]


def _member_facts(p: Any, unit: str) -> list[Raw]:
    change = status_change(p)
    if change is not None and not change.status.on_rolls:
        # Aged out, struck off, expelled: tagged with the status membership gives them.
        return _one("member_left", unit, p.member_id, change.on, tag=change.status.value)
    if isinstance(p, ms.MemberJoined):
        return _one(
            "member_joined",
            p.branch_id,
            p.member_id,
            p.joined_on,
            len(p.missing_fields),
            p.birth_year or 0,
            p.referred_by or "",
        )
    if isinstance(p, ms.MemberProfileUpdated):
        # No date of its own: the envelope's occurred_at stands in (date.min marks it).
        return _one("profile_updated", unit, p.member_id, date.min, len(p.missing_fields), p.birth_year or 0)
    if isinstance(p, ms.MemberTransferRequested):
        return _one("transfer_requested", p.from_branch_id, p.transfer_id, p.requested_on, tag=p.member_id)
    if isinstance(p, ms.MemberTransferReleased):
        return _one("transfer_released", unit, p.transfer_id, p.released_on, tag=p.member_id)
    if isinstance(p, ms.MemberTransferAccepted):
        return _one("transfer_accepted", p.to_branch_id, p.transfer_id, p.accepted_on, tag=p.member_id)
    if isinstance(p, ms.MemberTransferReturned):
        return _one("transfer_returned", unit, p.transfer_id, p.returned_on, tag=p.member_id)
    if isinstance(p, ms.MembershipExtended):
        # Dated when it was recorded (the envelope's day), so the extension counts from then; the
        # day it runs until is its tag.
        return _one("membership_extended", unit, p.member_id, date.min, tag=p.until.isoformat())
    if isinstance(p, ms.MemberRated):
        # Dated when it was recorded (date.min: the envelope's day), so a rating given in
        # November counts as of November, not only from 31 December.
        return _one("member_rated", unit, p.member_id, date.min, p.year, tag=p.rating.value)
    if isinstance(p, ms.TrainingProgrammeRegistered):
        return _one("training_registered", unit, p.member_id, date(p.year, 1, 1), p.year)
    if isinstance(p, ms.TrainingProgrammeEvaluated):
        return _one("training_evaluated", unit, p.member_id, date.min, p.year, tag=p.result.value)
    if isinstance(p, ms.MemberInactivityReviewed):
        return _one("inactivity_reviewed", unit, p.member_id, p.reviewed_on, tag=p.outcome)
    if isinstance(p, ms.DuesPaid | ms.DuesExempted):
        year, month = (int(x) for x in p.month.split("-"))
        return _one("dues", unit, p.member_id, date(year, month, 1), tag=p.month)
    return []


def _union_facts(p: Any, unit: str) -> list[Raw]:
    if isinstance(p, ms.BranchRosterReviewed):
        return _one("roster_reviewed", p.branch_id, "", p.reviewed_on, p.active_members)
    if isinstance(p, ms.YouthSituationReported):
        return _one("youth_situation_reported", p.unit_id, "", p.submitted_on, tag=p.quarter)
    if isinstance(p, ms.HardshipCaseListed):
        return _one("hardship_listed", p.unit_id, p.case_id, p.listed_on)
    if isinstance(p, ms.HardshipCaseClosed):
        return _one("hardship_closed", p.unit_id, p.case_id, p.closed_on)
    if isinstance(p, ms.HardshipListReviewed):
        return _one("hardship_list_reviewed", p.unit_id, "", p.reviewed_on, p.open_cases)
    if isinstance(p, ms.CareActionRecorded):
        return _one("care_action", p.unit_id, p.case_id, p.acted_on)
    if isinstance(p, ms.YouthRecruited):
        return _one("youth_recruited", p.unit_id, p.recruit_id, p.recruited_on, tag=p.recruiter_member_id)
    if isinstance(p, ms.PartyReferral):
        return _one("party_referral", unit, p.referral_id, p.referred_on, tag=p.member_id)
    if isinstance(p, ms.PartyAdmissionDecided):
        return _one("party_admission", unit, p.referral_id, p.decided_on, int(p.admitted), tag=p.member_id)
    if isinstance(p, ms.YouthCensusRecorded):
        # One fact per category (its name the subject), so a roll-up sums each unit's latest census.
        return [
            ("youth_census", p.unit_id, category[:CATEGORY_LIMIT], p.as_of, count, 0, "")
            for category, count in sorted(p.counts.items())
        ]
    return []


def _planning_facts(p: Any, unit: str) -> list[Raw]:
    if isinstance(p, pl.PlanSubmitted):
        return _one("plan_submitted", p.unit_id, p.plan_id, p.submitted_on, p.year, tag=p.submitted_to.value)
    if isinstance(p, pl.PlanApproved):
        return _one("plan_approved", p.unit_id, p.plan_id, p.approved_on, p.year, tag=p.kind.value)
    if isinstance(p, pl.PartyCommitteeOpinionRecorded):
        return _one("party_opinion", p.unit_id, p.plan_id, p.recorded_on, p.year)
    if isinstance(p, pl.ModelRegistered):
        return _one("model_registered", p.unit_id, "", p.registered_on, p.year, tag=p.recognising_unit_id)
    if isinstance(p, pl.BranchMeetingHeld):
        facts = _one(
            "meeting", p.branch_id, p.meeting_id, p.held_on, p.present_count, p.expected_count, p.kind.value
        )
        for other in p.joint_branch_ids:
            facts += _one("meeting", other, p.meeting_id, p.held_on, 0, 0, "joint")
        return facts
    if isinstance(p, pl.SecretaryBriefingHeld):
        return _one("secretary_briefing", unit, p.briefing_id, p.held_on, len(p.attending_branch_ids))
    if isinstance(p, pl.MonthlyTasksAssigned):
        return _one("monthly_tasks", p.unit_id, "", p.assigned_on, len(p.branch_ids), tag=p.month)
    if isinstance(p, pl.ActivityScheduled):
        return _one("activity_scheduled", p.unit_id, p.activity_id, p.scheduled_on)
    if isinstance(p, pl.ActivityHeld):
        return _one("activity_held", p.unit_id, p.activity_id, p.held_on, p.participants)
    if isinstance(p, pl.ActivityCancelled):
        return _one("activity_cancelled", p.unit_id, p.activity_id, p.cancelled_on)
    if isinstance(p, pl.YouthProjectRegistered):
        return _one("project_registered", p.unit_id, p.project_id, p.registered_on, p.year)
    if isinstance(p, pl.YouthProjectCompleted):
        return _one("project_completed", p.unit_id, p.project_id, p.completed_on)
    if isinstance(p, pl.PeriodicReportSubmitted):
        return _one("periodic_report", p.unit_id, "", p.submitted_on, tag=p.period)
    if isinstance(p, pl.ReviewHeld):
        return _one("review_held", p.unit_id, "", p.held_on, p.year, tag=p.kind.value)
    if isinstance(p, pl.AdvisoryProposalSubmitted):
        return _one("advisory_proposal", p.unit_id, p.proposal_id, p.submitted_on, tag=p.submitted_to.value)
    if isinstance(p, pl.AdvisoryOutcomeRecorded):
        return _one("advisory_outcome", p.unit_id, p.proposal_id, p.recorded_on, tag=p.outcome.value)
    if isinstance(p, pl.PartyCommitteeBriefed):
        return _one("party_committee_briefed", p.unit_id, "", p.briefed_on)
    if isinstance(p, pl.CoordinationAgreementSigned):
        ends = p.ends_on.toordinal() if p.ends_on else 0
        return _one("agreement_signed", p.unit_id, p.agreement_id, p.signed_on, ends)
    if isinstance(p, pl.CoordinationAgreementEnded):
        return _one("agreement_ended", p.unit_id, p.agreement_id, p.ended_on)
    if isinstance(p, pl.JointActivityHeld):
        return _one("joint_activity", p.unit_id, p.joint_activity_id, p.held_on, tag=p.agreement_id)
    if isinstance(p, pl.DialogueHeld):
        return _one("dialogue", p.unit_id, p.dialogue_id, p.held_on, p.participants)
    return []


def _evaluation_facts(p: Any, unit: str) -> list[Raw]:
    if isinstance(p, ev.SelfAssessmentSubmitted):
        return _one("self_assessment", p.unit_id, "", p.submitted_on, p.year)
    return []


_BY_SERVICE: dict[str, Callable[[Any, str], list[Raw]]] = {
    "planning": _planning_facts,
    "evaluation": _evaluation_facts,
}


def texts_of(event: Envelope) -> tuple[str, dict[str, str]] | None:
    """The words of an event that a person reads beside its facts, with the record they belong to.

    A proposal's subject and to whom it went, an outcome's result and note (the advisory outcome shows
    what it was about, not only that one was recorded); ``None`` for events without such words.
    """
    p = event.payload
    if isinstance(p, pl.AdvisoryProposalSubmitted):
        return p.proposal_id, {"subject": p.subject, "submitted_to": p.submitted_to.value}
    if isinstance(p, pl.AdvisoryOutcomeRecorded):
        return p.proposal_id, {"outcome": p.outcome.value, "note": p.note}
    return None


def facts_of(event: Envelope) -> list[Fact]:
    """The facts an event gives; ``[]`` for events no indicator reads."""
    unit = event.unit_id
    if event.service == "membership":
        raw = _member_facts(event.payload, unit) or _union_facts(event.payload, unit)
    else:
        extract = _BY_SERVICE.get(event.service)
        raw = extract(event.payload, unit) if extract else []
    event_id = str(event.event_id)
    return [
        Fact(
            fact_id=event_id if i == 0 else f"{event_id}:{i}",
            kind=kind,
            unit_id=unit_id,
            subject=subject,
            on=on if on != date.min else local_date(event.occurred_at),
            recorded_at=event.recorded_at,
            event_id=event_id,
            number=number,
            total=total,
            tag=tag,
        )
        for i, (kind, unit_id, subject, on, number, total, tag) in enumerate(raw)
    ]
