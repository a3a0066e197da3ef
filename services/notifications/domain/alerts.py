"""Alerts (cảnh báo): what an evaluation event, a deadline or a dead letter means for officers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.contracts.evaluation import (
    ComplianceChanged,
    IndicatorAtRisk,
    LateEvidence,
    SelfAssessmentSubmitted,
    Status,
)
from shared.contracts.notifications import AlertKind, Channel
from shared.events import Envelope

_NAMESPACE = uuid.UUID("6f1d3c2e-4b8a-5e7f-9a0b-1c2d3e4f5a6b")


def stable_id(*parts: str) -> str:
    """The same id for the same parts, in every process and after every restart."""
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


@dataclass(frozen=True, slots=True)
class Alert:
    """One thing officers must learn, once: ``source_id`` names what caused it (an event id,
    a deadline's reminder, a dead letter), ``kind`` the rule that raised it."""

    source_id: str
    kind: AlertKind
    unit_id: str
    unit_path: str
    occurred_at: datetime
    critical: bool = False
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def alert_id(self) -> str:
        return stable_id(self.source_id, self.kind.value)


def delivery_id(alert_id: str, officer_id: str, channel: Channel) -> str:
    """One delivery per (alert, recipient, channel): the id a receiver can de-duplicate on."""
    return stable_id(alert_id, officer_id, channel.value)


def _alert(
    event: Envelope, kind: AlertKind, unit_id: str, facts: dict[str, Any], critical: bool = False
) -> Alert:
    return Alert(str(event.event_id), kind, unit_id, event.unit_path, event.occurred_at, critical, facts)


def _late(late: tuple[LateEvidence, ...]) -> list[dict[str, Any]]:
    """The evidence recorded late an alert cites: where, when it happened, how late, how it counts."""
    return [
        {
            "indicator_id": m.indicator_id,
            "unit_id": m.unit_id,
            "occurred_on": m.occurred_on.isoformat(),
            "days_late": m.days_late,
            "counts_as": m.counts_as.value,
        }
        for m in late
    ]


def alerts_from(event: Envelope) -> list[Alert]:
    """The alerts an evaluation event raises (none for most events)."""
    payload = event.payload
    if isinstance(payload, ComplianceChanged):
        facts: dict[str, Any] = {
            "year": payload.year,
            "criterion": payload.criterion,
            "old_status": payload.old_status.value,
            "new_status": payload.new_status.value,
            "missing": [m.description for m in payload.missing],
            "late": _late(payload.late),
        }
        # A union that now fails is news that cannot wait for the morning.
        return [
            _alert(
                event, AlertKind.COMPLIANCE_CHANGED, payload.unit_id, facts, payload.new_status is Status.FAIL
            )
        ]
    if isinstance(payload, IndicatorAtRisk):
        facts = {
            "year": payload.year,
            "criterion": payload.criterion,
            "indicator_id": payload.indicator_id,
            "period": payload.period,
            "closes_on": payload.closes_on.isoformat(),
            "missing": [m.description for m in payload.missing],
            "late": _late(payload.late),
        }
        return [_alert(event, AlertKind.INDICATOR_AT_RISK, payload.unit_id, facts)]
    if isinstance(payload, SelfAssessmentSubmitted):
        facts = {"year": payload.year, "submitted_on": payload.submitted_on.isoformat()}
        return [_alert(event, AlertKind.RECOGNITION_AWAITING_DECISION, payload.unit_id, facts)]
    return []
