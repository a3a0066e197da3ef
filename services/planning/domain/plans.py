"""The annual plan and action programme (kế hoạch công tác năm, chương trình hành động).

Its lifecycle runs one way: drafted → submitted to the upper level → approved, or
returned with reasons → revised (drafted again) → submitted again. An approved plan
is final. Independently, the plan goes to the Party committee, whose opinion is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from services.planning.domain.checks import not_before, not_blank, not_in_future
from shared.contracts.org import OrgUnit, UnitLevel
from shared.contracts.planning import (
    ModelRegistered,
    PartyCommitteeOpinionRecorded,
    PlanApproved,
    PlanDrafted,
    PlanKind,
    PlanReturned,
    PlanSubmitted,
    SubmittedTo,
    Target,
)
from shared.errors import ConflictError, DomainError, ForbiddenError
from shared.events import Event


class PlanStatus(StrEnum):
    DRAFTED = "drafted"  # dự thảo
    SUBMITTED = "submitted"  # đã trình
    RETURNED = "returned"  # bị trả lại
    APPROVED = "approved"  # đã phê duyệt


def plan_id_of(unit_id: str, year: int, kind: PlanKind) -> str:
    """A unit has one plan of each kind a year: its id says which."""
    return f"{unit_id}.{year}.{kind.value}"


@dataclass(frozen=True, slots=True)
class Plan:
    plan_id: str
    unit_id: str
    year: int
    kind: PlanKind
    status: PlanStatus
    version: int
    submitted_on: date | None = None
    party_submitted_on: date | None = None
    party_opinion_on: date | None = None
    returns: tuple[tuple[str, ...], ...] = field(default=())

    @classmethod
    def replay(cls, events: Sequence[Event]) -> Plan | None:
        plan: Plan | None = None
        for version, event in enumerate(events, start=1):
            if isinstance(event, PlanDrafted):
                if plan is None:
                    plan = Plan(
                        event.plan_id, event.unit_id, event.year, event.kind, PlanStatus.DRAFTED, version
                    )
                plan = replace(plan, status=PlanStatus.DRAFTED, submitted_on=None)
            elif plan is None:
                continue
            elif isinstance(event, PlanSubmitted) and event.submitted_to is SubmittedTo.UPPER_LEVEL:
                plan = replace(plan, status=PlanStatus.SUBMITTED, submitted_on=event.submitted_on)
            elif isinstance(event, PlanSubmitted):
                plan = replace(plan, party_submitted_on=event.submitted_on, party_opinion_on=None)
            elif isinstance(event, PlanReturned):
                plan = replace(plan, status=PlanStatus.RETURNED, returns=(*plan.returns, event.reasons))
            elif isinstance(event, PlanApproved):
                plan = replace(plan, status=PlanStatus.APPROVED)
            elif isinstance(event, PartyCommitteeOpinionRecorded):
                plan = replace(plan, party_opinion_on=event.recorded_on)
            plan = replace(plan, version=version)
        return plan


def draft_plan(
    *,
    existing: Plan | None,
    unit: OrgUnit,
    year: int,
    kind: PlanKind,
    title: str,
    targets: Sequence[Target],
) -> PlanDrafted:
    """Draft a plan, or revise it while it is still a draft or after it was returned."""
    not_blank(title, field="title")
    if existing is not None and existing.status not in (PlanStatus.DRAFTED, PlanStatus.RETURNED):
        raise ConflictError(
            f"plan {existing.plan_id!r} is {existing.status.value} and can no longer be changed",
            rule="plan_not_editable",
            field="plan_id",
            value=existing.plan_id,
            accepted="a plan that is drafted or was returned",
        )
    return PlanDrafted(
        plan_id=plan_id_of(unit.unit_id, year, kind),
        unit_id=unit.unit_id,
        year=year,
        kind=kind,
        title=title.strip(),
        targets=tuple(targets),
    )


def submit_plan(plan: Plan, *, submitted_to: SubmittedTo, submitted_on: date, today: date) -> PlanSubmitted:
    not_in_future(submitted_on, today, field="submitted_on")
    if submitted_to is SubmittedTo.UPPER_LEVEL and plan.status not in (
        PlanStatus.DRAFTED,
        PlanStatus.RETURNED,
    ):
        raise ConflictError(
            f"plan {plan.plan_id!r} is {plan.status.value}: it cannot be submitted again",
            rule="plan_not_submittable",
            field="plan_id",
            value=plan.plan_id,
            accepted="a plan that is drafted or was returned and revised",
        )
    if submitted_to is SubmittedTo.PARTY_COMMITTEE and plan.party_submitted_on and not plan.party_opinion_on:
        raise ConflictError(
            f"plan {plan.plan_id!r} already awaits the Party committee's opinion",
            rule="plan_awaits_party_opinion",
            field="submitted_to",
            value=submitted_to.value,
            accepted="record the Party committee's opinion first",
        )
    return PlanSubmitted(
        plan_id=plan.plan_id,
        unit_id=plan.unit_id,
        year=plan.year,
        submitted_to=submitted_to,
        submitted_on=submitted_on,
    )


def _decided_by_upper_level(plan: Plan, unit: OrgUnit, decider: OrgUnit) -> None:
    if not unit.path.startswith(decider.path + "."):
        raise ForbiddenError(
            f"only a unit above {plan.unit_id!r} may approve or return its plan",
            rule="not_upper_level",
            field="unit",
            value=decider.unit_id,
            accepted=f"a token of a unit on the path {unit.path} above {plan.unit_id!r}",
        )


def _awaiting_decision(plan: Plan, decided_on: date, today: date) -> None:
    if plan.status is PlanStatus.APPROVED:
        raise ConflictError(
            f"plan {plan.plan_id!r} is already approved",
            rule="plan_already_approved",
            field="plan_id",
            value=plan.plan_id,
            accepted="a plan submitted and not yet decided",
        )
    if plan.status is not PlanStatus.SUBMITTED or plan.submitted_on is None:
        raise ConflictError(
            f"plan {plan.plan_id!r} is {plan.status.value}, not submitted to the upper level",
            rule="plan_not_submitted",
            field="plan_id",
            value=plan.plan_id,
            accepted="a plan submitted to the upper level",
        )
    not_in_future(decided_on, today, field="decided_on")
    not_before(decided_on, plan.submitted_on, field="decided_on", what="its submission")


def approve_plan(
    plan: Plan, *, unit: OrgUnit, decider: OrgUnit, approved_on: date, today: date
) -> PlanApproved:
    _decided_by_upper_level(plan, unit, decider)
    _awaiting_decision(plan, approved_on, today)
    return PlanApproved(
        plan_id=plan.plan_id,
        unit_id=plan.unit_id,
        year=plan.year,
        kind=plan.kind,
        approved_on=approved_on,
        approved_by_unit_id=decider.unit_id,
    )


def return_plan(
    plan: Plan, *, unit: OrgUnit, decider: OrgUnit, returned_on: date, reasons: Sequence[str], today: date
) -> PlanReturned:
    _decided_by_upper_level(plan, unit, decider)
    _awaiting_decision(plan, returned_on, today)
    cleaned = tuple(r.strip() for r in reasons if r.strip())
    if not cleaned:
        raise DomainError(
            "a returned plan needs its reasons",
            rule="reasons_required",
            field="reasons",
            value=list(reasons),
            accepted="at least one non-empty reason",
        )
    return PlanReturned(
        plan_id=plan.plan_id, unit_id=plan.unit_id, year=plan.year, returned_on=returned_on, reasons=cleaned
    )


def record_party_opinion(
    plan: Plan, *, recorded_on: date, opinion: str, today: date
) -> PartyCommitteeOpinionRecorded:
    not_blank(opinion, field="opinion")
    if plan.party_submitted_on is None or plan.party_opinion_on is not None:
        raise ConflictError(
            f"plan {plan.plan_id!r} does not await an opinion of the Party committee",
            rule="plan_not_submitted_to_party",
            field="plan_id",
            value=plan.plan_id,
            accepted="a plan submitted to the Party committee (submitted_to: party_committee)",
        )
    not_in_future(recorded_on, today, field="recorded_on")
    not_before(recorded_on, plan.party_submitted_on, field="recorded_on", what="its submission")
    return PartyCommitteeOpinionRecorded(
        plan_id=plan.plan_id, unit_id=plan.unit_id, year=plan.year, recorded_on=recorded_on, opinion=opinion
    )


def register_model(
    *,
    already: bool,
    unit: OrgUnit,
    recognising: OrgUnit | None,
    year: int,
    registered_on: date,
    deadline: date | None,
    today: date,
) -> ModelRegistered:
    """A grassroots union registers to build the "3 chủ động" model with the unit that recognises it."""
    if unit.level is not UnitLevel.GRASSROOTS:
        raise DomainError(
            f"unit {unit.unit_id!r} is a {unit.level.value} unit; only a grassroots union registers the model",
            rule="wrong_level",
            field="unit_id",
            value=unit.unit_id,
            accepted="a grassroots union (Đoàn cơ sở)",
        )
    if already:
        raise ConflictError(
            f"unit {unit.unit_id!r} already registered the model for {year}",
            rule="model_already_registered",
            field="year",
            value=year,
            accepted="a year the unit has not registered for",
        )
    not_in_future(registered_on, today, field="registered_on")
    recognising_id = unit.recognising_unit_id or unit.parent_id
    if recognising is None or recognising_id is None:
        raise DomainError(
            f"unit {unit.unit_id!r} has no recognising unit known to planning",
            rule="no_recognising_unit",
            field="unit_id",
            value=unit.unit_id,
            accepted="a grassroots union whose recognising unit is registered",
        )
    return ModelRegistered(
        unit_id=unit.unit_id,
        year=year,
        registered_on=registered_on,
        recognising_unit_id=recognising.unit_id,
        deadline=deadline,
    )
