"""The drill-down: one indicator of a union with the events behind it, their dates and their words; and a
union's advisory proposals with what became of them."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from services.evaluation.adapters.texts import details, texts_of_records
from services.evaluation.adapters.unions import LoadedUnion, load_union
from services.evaluation.api.common import When, rule_book
from services.evaluation.app.compliance import judge
from services.evaluation.domain.facts import Fact
from services.evaluation.domain.results import IndicatorResult, UnitCompliance
from shared.auth import Permission
from shared.contracts.evaluation import LateCounting
from shared.contracts.planning import AdvisoryOutcome, AdvisoryTarget
from shared.errors import NotFoundError
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.params import UnitIdPath, YearQuery
from shared.i18n import _

router = APIRouter(tags=["compliance"])


class UnknownItemError(NotFoundError):
    """A union or indicator the request names does not exist."""


class EvidenceEvent(BaseModel):
    event_id: str
    kind: str
    unit_id: str
    occurred_on: date
    recorded_at: datetime
    days_late: int = Field(description="days from the day it happened to the day it was recorded")
    marked_late: bool = Field(description="recorded late enough to be marked (ghi nhận muộn)")
    counts_as: LateCounting = Field(description="how the rules count it: counted, at_risk or not_counted")
    subject: str = Field(default="", description="the member, activity, proposal … it is about ('' for none)")
    number: int = Field(default=0, description="its figure: members present, participants, the year …")
    total: int = Field(default=0, description="its second figure: members expected at a meeting …")
    tag: str = Field(
        default="", description="its label: a meeting's kind, a rating, the member a referral names …"
    )
    details: dict[str, str] = Field(
        default_factory=dict,
        description="what it says in words: an advisory proposal's subject and submitted_to, an outcome's "
        "outcome and note",
    )


class AdvisoryProposal(BaseModel):
    """A proposal to the Party committee or government (đề xuất tham mưu) and what became of it."""

    proposal_id: str
    unit_id: str
    submitted_on: date
    submitted_to: AdvisoryTarget | None
    subject: str
    outcome: AdvisoryOutcome | None = Field(description="None while no outcome is recorded (by as_of)")
    outcome_on: date | None
    note: str


class AdvisoryProposals(BaseModel):
    unit_id: str
    year: int
    as_of: date
    items: list[AdvisoryProposal]


class IndicatorEvidence(BaseModel):
    unit_id: str
    as_of: date
    indicator: IndicatorResult
    events: list[EvidenceEvent]


def _indicator(result: UnitCompliance, indicator_id: str) -> IndicatorResult:
    indicators = [i for c in result.criteria for i in c.indicators]
    found = [i for i in indicators if i.indicator_id == indicator_id]
    if not found:
        raise UnknownItemError(
            f"no indicator {indicator_id!r} in the rules of this union",
            rule="unknown_indicator",
            field="indicator_id",
            value=indicator_id,
            accepted=", ".join(i.indicator_id for i in indicators),
            text=_("no indicator {indicator} in the rules of this union", indicator=indicator_id),
        )
    return found[0]


_WORDED = ("advisory_proposal", "advisory_outcome")
"""Kinds of facts whose events' words the drill-down shows (their subject is the proposal's id)."""


async def _union(request: Request, principal: CurrentPrincipal, unit_id: str) -> LoadedUnion:
    unit = await authorize(request, principal, Permission.READ, unit_id)
    async with request.app.state.runtime.db.read() as conn:
        union = await load_union(conn, unit.unit_id)
    if union is None:
        raise UnknownItemError(
            f"unit {unit_id!r} is not a grassroots union",
            rule="not_a_union",
            field="unit_id",
            value=unit_id,
            accepted="the id of a grassroots union (Đoàn cơ sở)",
            text=_(
                "{unit} is not a grassroots union: compliance is judged per grassroots union", unit=unit.name
            ),
        )
    return union


@router.get(
    "/units/{unit_id}/indicators/{indicator_id}",
    summary="One indicator of a union with the events behind it, their dates and their words (the drill-down)",
)
async def indicator_evidence(
    request: Request,
    unit_id: UnitIdPath,
    indicator_id: str,
    principal: CurrentPrincipal,
    when: When,
    year: YearQuery = None,
) -> IndicatorEvidence:
    union = await _union(request, principal, unit_id)
    indicator = _indicator(judge(rule_book(request), union, when, year), indicator_id)
    late = {m.event_id: m for m in indicator.evidence.late}
    wanted = set(indicator.evidence.event_ids) | set(late)
    by_event: dict[str, Fact] = {}
    for fact in union.facts:
        if fact.event_id in wanted:
            by_event.setdefault(fact.event_id, fact)
    async with request.app.state.runtime.db.read() as conn:
        texts = await texts_of_records(conn, (f.subject for f in by_event.values() if f.kind in _WORDED))
    events = sorted(
        (
            EvidenceEvent(
                event_id=f.event_id,
                kind=f.kind,
                unit_id=f.unit_id,
                occurred_on=f.on,
                recorded_at=f.recorded_at,
                days_late=f.days_late,
                marked_late=f.event_id in late,
                counts_as=late[f.event_id].counts_as if f.event_id in late else LateCounting.COUNTED,
                subject=f.subject,
                number=f.number,
                total=f.total,
                tag=f.tag,
                details=details(texts.get(f.subject, {}), f.event_id) if f.kind in _WORDED else {},
            )
            for f in by_event.values()
        ),
        key=lambda e: (e.occurred_on, e.event_id),
    )
    return IndicatorEvidence(unit_id=unit_id, as_of=when.day, indicator=indicator, events=events)


def _target(value: str | None) -> AdvisoryTarget | None:
    return AdvisoryTarget(value) if value in {t.value for t in AdvisoryTarget} else None


def _outcome(value: str | None) -> AdvisoryOutcome | None:
    return AdvisoryOutcome(value) if value in {o.value for o in AdvisoryOutcome} else None


@router.get(
    "/units/{unit_id}/advisory-proposals",
    summary="A union's proposals to the Party committee or government in a year, with their subject, "
    "outcome and note",
)
async def advisory_proposals(
    request: Request, unit_id: UnitIdPath, principal: CurrentPrincipal, when: When, year: YearQuery = None
) -> AdvisoryProposals:
    union = await _union(request, principal, unit_id)
    rules = rule_book(request).for_path(union.unit.path)
    chosen = year if year is not None else rules.year_of(when.day, union.view.unit_type)
    start, end = rules.year_bounds(chosen, union.view.unit_type)
    known = [f for f in union.facts if f.kind in _WORDED and when.admits(f)]
    submitted = sorted(
        (f for f in known if f.kind == "advisory_proposal" and start <= f.on <= end),
        key=lambda f: (f.on, f.subject),
    )
    outcomes = {f.subject: f for f in sorted(known, key=lambda f: f.on) if f.kind == "advisory_outcome"}
    async with request.app.state.runtime.db.read() as conn:
        texts = await texts_of_records(conn, (f.subject for f in submitted))
    items = []
    for f in submitted:
        outcome = outcomes.get(f.subject)
        words = details(texts.get(f.subject, {}), outcome.event_id if outcome else f.event_id)
        items.append(
            AdvisoryProposal(
                proposal_id=f.subject,
                unit_id=f.unit_id,
                submitted_on=f.on,
                submitted_to=_target(words.get("submitted_to") or f.tag),
                subject=words.get("subject", ""),
                outcome=_outcome(outcome.tag) if outcome else None,
                outcome_on=outcome.on if outcome else None,
                note=words.get("note", "") if outcome else "",
            )
        )
    return AdvisoryProposals(unit_id=unit_id, year=chosen, as_of=when.day, items=items)
