"""The projection that turns evaluation's and planning's events into alerts and met deadlines.

Its checkpoint is written with the alerts and deliveries, and alert and delivery
ids are derived from the source event: an event delivered three times raises
one alert, with one delivery per recipient and channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.alert_book import AlertBook
from services.notifications.adapters.open_items import close_items
from services.notifications.adapters.tables import at_risk, deadlines_met
from services.notifications.domain.alerts import alerts_from
from services.notifications.domain.deadlines import DeadlineRule
from services.notifications.domain.open_items import deadline_topic, decision_topic, reminder_prefix
from shared.bus.subjects import stream_name
from shared.clock import Clock
from shared.contracts.evaluation import (
    ComplianceChanged,
    IndicatorAtRisk,
    RecognitionDenied,
    Status,
    UnitRecognised,
)
from shared.events import REGISTRY, Envelope
from shared.runtime.service import Source
from shared.store.upsert import upsert

ALERTING_TYPES = ("ComplianceChanged", "IndicatorAtRisk", "SelfAssessmentSubmitted")
# A decision closes the self-assessment's "awaiting decision" item.
DECIDING_TYPES = ("UnitRecognised", "RecognitionDenied")


class AlertProjection:
    name = "alerts"

    def __init__(self, book: AlertBook, deadlines: Sequence[DeadlineRule], clock: Clock) -> None:
        self.book = book
        self.deadlines = tuple(deadlines)
        self.clock = clock

    def sources(self) -> list[Source]:
        """One filtered source per stream that holds an event type this projection reads."""
        by_service: dict[str, list[str]] = {}
        for name in (*ALERTING_TYPES, *DECIDING_TYPES, *(t for rule in self.deadlines for t in rule.met_by)):
            owner = REGISTRY.owner(name)
            subject = f"{owner}.{name}.>"
            if subject not in by_service.setdefault(owner, []):
                by_service[owner].append(subject)
        return [Source(stream_name(owner), tuple(subjects)) for owner, subjects in sorted(by_service.items())]

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        await self._record_deadlines_met(conn, event)
        payload = event.payload
        if isinstance(payload, IndicatorAtRisk):
            await upsert(
                conn,
                at_risk,
                {
                    "unit_id": payload.unit_id,
                    "indicator_id": payload.indicator_id,
                    "period": payload.period,
                    "unit_path": event.unit_path,
                    "year": payload.year,
                    "criterion": payload.criterion,
                    "closes_on": payload.closes_on,
                    "resolved": False,
                },
                keys=["unit_id", "indicator_id", "period"],
                replace=["closes_on", "resolved", "unit_path"],
            )
        elif isinstance(payload, ComplianceChanged) and payload.new_status is Status.PASS:
            criteria = (1, 2, 3) if payload.criterion == 0 else (payload.criterion,)
            await conn.execute(
                update(at_risk)
                .where(
                    at_risk.c.unit_id == payload.unit_id,
                    at_risk.c.year == payload.year,
                    at_risk.c.criterion.in_(criteria),
                )
                .values(resolved=True)
            )
            for criterion in criteria:
                await close_items(conn, payload.unit_id, prefix=reminder_prefix(payload.year, criterion))
        elif isinstance(payload, UnitRecognised | RecognitionDenied):
            await close_items(conn, payload.unit_id, [decision_topic(payload.year)])
        now = self.clock.now().astimezone(UTC)
        for alert in alerts_from(event):
            await self.book.raise_alert(conn, alert, now)

    async def _record_deadlines_met(self, conn: AsyncConnection, event: Envelope) -> None:
        fields = event.payload.model_dump(mode="json")
        for rule in self.deadlines:
            if event.type not in rule.met_by:
                continue
            if any(str(fields.get(k)) != v for k, v in rule.met_when.items()):
                continue
            unit_id, year = fields.get("unit_id"), fields.get("year")
            if not isinstance(unit_id, str) or not isinstance(year, int):
                continue
            await upsert(
                conn,
                deadlines_met,
                {
                    "unit_id": unit_id,
                    "deadline_id": rule.deadline_id,
                    "year": year,
                    "met_at": event.occurred_at,
                    "event_id": str(event.event_id),
                },
                keys=["unit_id", "deadline_id", "year"],
            )
            await close_items(conn, unit_id, [deadline_topic(rule.deadline_id, year)])
