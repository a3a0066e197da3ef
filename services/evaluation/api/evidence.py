"""The drill-down: one indicator of a union with the events behind it and their dates."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from services.evaluation.adapters.unions import load_union
from services.evaluation.api.common import When, rule_book
from services.evaluation.app.compliance import judge
from services.evaluation.domain.facts import Fact
from services.evaluation.domain.results import IndicatorResult, UnitCompliance
from shared.auth import Permission
from shared.contracts.evaluation import LateCounting
from shared.errors import NotFoundError
from shared.http.auth import CurrentPrincipal, authorize
from shared.http.params import UnitIdPath, YearQuery

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
        )
    return found[0]


@router.get(
    "/units/{unit_id}/indicators/{indicator_id}",
    summary="One indicator of a union with the events behind it and their dates (the drill-down)",
)
async def indicator_evidence(
    request: Request,
    unit_id: UnitIdPath,
    indicator_id: str,
    principal: CurrentPrincipal,
    when: When,
    year: YearQuery = None,
) -> IndicatorEvidence:
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
        )
    indicator = _indicator(judge(rule_book(request), union, when, year), indicator_id)
    late = {m.event_id: m for m in indicator.evidence.late}
    wanted = set(indicator.evidence.event_ids) | set(late)
    by_event: dict[str, Fact] = {}
    for fact in union.facts:
        if fact.event_id in wanted:
            by_event.setdefault(fact.event_id, fact)
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
            )
            for f in by_event.values()
        ),
        key=lambda e: (e.occurred_on, e.event_id),
    )
    return IndicatorEvidence(unit_id=unit_id, as_of=when.day, indicator=indicator, events=events)
