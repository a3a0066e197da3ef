"""Advice to the Party committee and government, and coordination with partner bodies."""

from __future__ import annotations

from datetime import date

from services.planning.domain.checks import not_before, not_blank, not_in_future
from services.planning.domain.records import Record
from shared.contracts.planning import (
    AdvisoryOutcome,
    AdvisoryOutcomeRecorded,
    CoordinationAgreementEnded,
    JointActivityHeld,
    ResourcesMobilised,
)
from shared.errors import DomainError


def record_outcome(
    proposal: Record, *, outcome: AdvisoryOutcome, recorded_on: date, note: str, today: date
) -> AdvisoryOutcomeRecorded:
    proposal.require_open(action="decided again")
    not_in_future(recorded_on, today, field="recorded_on")
    not_before(recorded_on, proposal.opened_on, field="recorded_on", what="its submission")
    return AdvisoryOutcomeRecorded(
        proposal_id=proposal.record_id,
        unit_id=proposal.unit_id,
        outcome=outcome,
        recorded_on=recorded_on,
        note=note,
    )


def end_agreement(
    agreement: Record, *, ended_on: date, reason: str, today: date
) -> CoordinationAgreementEnded:
    agreement.require_open(action="ended")
    not_in_future(ended_on, today, field="ended_on")
    not_before(ended_on, agreement.opened_on, field="ended_on", what="its signature")
    return CoordinationAgreementEnded(
        agreement_id=agreement.record_id, unit_id=agreement.unit_id, ended_on=ended_on, reason=reason
    )


def hold_joint_activity(
    agreement: Record, *, joint_activity_id: str, unit_id: str, held_on: date, title: str, today: date
) -> JointActivityHeld:
    """An activity with a partner counts under an agreement in force that day, of the same unit."""
    not_blank(title, field="title")
    not_in_future(held_on, today, field="held_on")
    if agreement.unit_id != unit_id:
        raise DomainError(
            f"agreement {agreement.record_id!r} belongs to unit {agreement.unit_id!r}",
            rule="agreement_of_another_unit",
            field="agreement_id",
            value=agreement.record_id,
            accepted=f"an agreement signed by {unit_id!r}",
        )
    if not agreement.active_on(held_on):
        raise DomainError(
            f"agreement {agreement.record_id!r} was not in force on {held_on.isoformat()}",
            rule="agreement_not_in_force",
            field="held_on",
            value=held_on.isoformat(),
            accepted=f"a date from {agreement.opened_on.isoformat()} while the agreement is in force",
        )
    return JointActivityHeld(
        joint_activity_id=joint_activity_id,
        agreement_id=agreement.record_id,
        unit_id=unit_id,
        held_on=held_on,
        title=title,
    )


def mobilise(
    *,
    mobilisation_id: str,
    unit_id: str,
    mobilised_on: date,
    source: str,
    amount_vnd: int,
    in_kind: str,
    today: date,
) -> ResourcesMobilised:
    not_blank(source, field="source")
    not_in_future(mobilised_on, today, field="mobilised_on")
    if amount_vnd == 0 and not in_kind.strip():
        raise DomainError(
            "resources mobilised have an amount or a description in kind",
            rule="nothing_mobilised",
            field="amount_vnd",
            value=amount_vnd,
            accepted="an amount in VND > 0, or in_kind describing what was given",
        )
    return ResourcesMobilised(
        mobilisation_id=mobilisation_id,
        unit_id=unit_id,
        mobilised_on=mobilised_on,
        source=source,
        amount_vnd=amount_vnd,
        in_kind=in_kind,
    )
