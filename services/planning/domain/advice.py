"""Advice to the Party committee and government, and coordination with partner bodies."""

from __future__ import annotations

from datetime import date

from services.planning.domain import commands as cmds
from services.planning.domain.checks import not_before, not_blank, not_in_future
from services.planning.domain.facts import Fact, new_record
from services.planning.domain.records import Record
from services.planning.domain.streams import dialogue_stream, party_briefing_stream, record_stream
from shared.contracts.planning import (
    AdvisoryOutcomeRecorded,
    AdvisoryProposalSubmitted,
    CoordinationAgreementEnded,
    CoordinationAgreementSigned,
    DialogueHeld,
    JointActivityHeld,
    PartyCommitteeBriefed,
    ResourcesMobilised,
)
from shared.errors import DomainError
from shared.orgtree.guard import Dated


def submit_proposal(cmd: cmds.SubmitProposal, *, proposal_id: str) -> Fact:
    event = AdvisoryProposalSubmitted(
        proposal_id=proposal_id,
        unit_id=cmd.unit_id,
        submitted_to=cmd.submitted_to,
        subject=cmd.subject,
        submitted_on=cmd.submitted_on,
    )
    return new_record(
        record_stream("proposal", proposal_id),
        event,
        Dated.on("submitted_on", cmd.submitted_on),
        what="proposal",
        field="proposal_id",
    )


def record_outcome(proposal: Record, cmd: cmds.RecordOutcome, *, today: date) -> AdvisoryOutcomeRecorded:
    proposal.require_open(action="decided again")
    not_in_future(cmd.recorded_on, today, field="recorded_on")
    not_before(cmd.recorded_on, proposal.opened_on, field="recorded_on", what="its submission")
    return AdvisoryOutcomeRecorded(
        proposal_id=proposal.record_id,
        unit_id=proposal.unit_id,
        outcome=cmd.outcome,
        recorded_on=cmd.recorded_on,
        note=cmd.note,
    )


def brief_party(cmd: cmds.BriefPartyCommittee, *, briefing_id: str) -> Fact:
    event = PartyCommitteeBriefed(unit_id=cmd.unit_id, briefed_on=cmd.briefed_on, topic=cmd.topic)
    what = f"briefing {briefing_id!r}"
    return Fact(
        party_briefing_stream(briefing_id),
        event,
        Dated.on("briefed_on", cmd.briefed_on),
        what,
        "briefing_id",
        briefing_id,
    )


def sign_agreement(cmd: cmds.SignAgreement, *, agreement_id: str) -> Fact:
    event = CoordinationAgreementSigned(
        agreement_id=agreement_id,
        unit_id=cmd.unit_id,
        partner=cmd.partner,
        signed_on=cmd.signed_on,
        ends_on=cmd.ends_on,
        evidence=cmd.evidence,
    )
    stream = record_stream("agreement", agreement_id)
    return new_record(
        stream, event, Dated.on("signed_on", cmd.signed_on), what="agreement", field="agreement_id"
    )


def end_agreement(agreement: Record, cmd: cmds.EndAgreement, *, today: date) -> CoordinationAgreementEnded:
    agreement.require_open(action="ended")
    not_in_future(cmd.ended_on, today, field="ended_on")
    not_before(cmd.ended_on, agreement.opened_on, field="ended_on", what="its signature")
    return CoordinationAgreementEnded(
        agreement_id=agreement.record_id, unit_id=agreement.unit_id, ended_on=cmd.ended_on, reason=cmd.reason
    )


def hold_joint_activity(
    agreement: Record, cmd: cmds.HoldJointActivity, *, joint_activity_id: str, today: date
) -> JointActivityHeld:
    """An activity with a partner counts under an agreement in force that day; it is the agreement's
    unit's."""
    not_blank(cmd.title, field="title")
    not_in_future(cmd.held_on, today, field="held_on")
    if not agreement.active_on(cmd.held_on):
        raise DomainError(
            f"agreement {agreement.record_id!r} was not in force on {cmd.held_on.isoformat()}",
            rule="agreement_not_in_force",
            field="held_on",
            value=cmd.held_on.isoformat(),
            accepted=f"a date from {agreement.opened_on.isoformat()} while the agreement is in force",
        )
    return JointActivityHeld(
        joint_activity_id=joint_activity_id,
        agreement_id=agreement.record_id,
        unit_id=agreement.unit_id,
        held_on=cmd.held_on,
        title=cmd.title,
    )


def hold_dialogue(cmd: cmds.HoldDialogue, *, dialogue_id: str) -> Fact:
    event = DialogueHeld(
        dialogue_id=dialogue_id,
        unit_id=cmd.unit_id,
        held_on=cmd.held_on,
        leaders=cmd.leaders,
        participants=cmd.participants,
    )
    return new_record(
        dialogue_stream(dialogue_id),
        event,
        Dated.on("held_on", cmd.held_on),
        what="dialogue",
        field="dialogue_id",
    )


def mobilise(cmd: cmds.MobiliseResources, *, mobilisation_id: str, today: date) -> ResourcesMobilised:
    not_blank(cmd.source, field="source")
    not_in_future(cmd.mobilised_on, today, field="mobilised_on")
    if cmd.amount_vnd == 0 and not cmd.in_kind.strip():
        raise DomainError(
            "resources mobilised have an amount or a description in kind",
            rule="nothing_mobilised",
            field="amount_vnd",
            value=cmd.amount_vnd,
            accepted="an amount in VND > 0, or in_kind describing what was given",
        )
    return ResourcesMobilised(
        mobilisation_id=mobilisation_id,
        unit_id=cmd.unit_id,
        mobilised_on=cmd.mobilised_on,
        source=cmd.source,
        amount_vnd=cmd.amount_vnd,
        in_kind=cmd.in_kind,
    )
