"""Alerts (cảnh báo): what an evaluation event, a deadline or a dead letter means for officers.

What one evaluation of a union says (its overall status, a criterion, an indicator at risk: several
events appended together) is one change of that union, and one alert: the events share their stream
(the union's compliance in a year) and the instant they were recorded, which name the change.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
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
CHANGE = "change:"
"""The source of a union's change: ``change:<stream>@<recorded at>``, gathering the events it holds."""
BAD = (Status.FAIL.value, Status.AT_RISK.value)


def stable_id(*parts: str) -> str:
    """The same id for the same parts, in every process and after every restart."""
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


@dataclass(frozen=True, slots=True)
class Alert:
    """One thing officers must learn, once: ``source_id`` names what caused it (an event id,
    a union's change, a deadline's reminder, a dead letter), ``kind`` the rule that raised it
    (for a change, its weightiest part: see :func:`change_kind`)."""

    source_id: str
    kind: AlertKind
    unit_id: str
    unit_path: str
    occurred_at: datetime
    critical: bool = False
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def alert_id(self) -> str:
        # A change gathers several kinds, and its weightiest may come last: its source alone names it.
        if self.is_change:
            return stable_id(self.source_id)
        return stable_id(self.source_id, self.kind.value)

    @property
    def is_change(self) -> bool:
        return self.source_id.startswith(CHANGE)

    @property
    def kinds(self) -> tuple[AlertKind, ...]:
        """Every kind the alert is about: a subscription to any of them receives it."""
        changes = self.facts.get("changes") or []
        return tuple(dict.fromkeys([self.kind, *(AlertKind(c["kind"]) for c in changes)]))

    @property
    def indicator_id(self) -> str | None:
        """The one indicator the alert is about, if it is about one (its link leads there)."""
        if self.is_change:
            changes = self.facts.get("changes") or []
            indicators = {c.get("indicator_id") for c in changes}
            if len(indicators) == 1 and all(c["kind"] == AlertKind.INDICATOR_AT_RISK for c in changes):
                return str(next(iter(indicators)))
            return None
        value = self.facts.get("indicator_id")
        return str(value) if value else None


def delivery_id(alert_id: str, officer_id: str, channel: Channel) -> str:
    """One delivery per (alert, recipient, channel): the id a receiver can de-duplicate on."""
    return stable_id(alert_id, officer_id, channel.value)


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


def change_source(event: Envelope) -> str:
    """The change ``event`` belongs to: the events one evaluation of a union appended together."""
    return f"{CHANGE}{event.stream_id}@{event.recorded_at.isoformat()}"


def change_kind(changes: Sequence[dict[str, Any]]) -> AlertKind:
    if any(c["kind"] == AlertKind.COMPLIANCE_CHANGED for c in changes):
        return AlertKind.COMPLIANCE_CHANGED
    return AlertKind.INDICATOR_AT_RISK


def change_is_critical(changes: Sequence[dict[str, Any]]) -> bool:
    """A union that now fails is news that cannot wait for the morning."""
    return any(c.get("new_status") == Status.FAIL.value for c in changes)


def _said_once(missing: Any) -> list[Any]:
    """What is missing, each said once: as a message (rendered in each reader's language) where it has one."""
    return _once(
        m.message.model_dump(mode="json") if m.message is not None else m.description for m in missing
    )


def _once(items: Iterable[Any]) -> list[Any]:
    """``items`` once each, in order; a message (a dict) compared by its content."""
    said: dict[str, Any] = {}
    for item in items:
        said.setdefault(json.dumps(item, sort_keys=True, ensure_ascii=False), item)
    return list(said.values())


def _change(
    event: Envelope, unit_id: str, year: int, change: dict[str, Any], missing: Any, late: Any
) -> Alert:
    changes = [{"event_id": str(event.event_id), **change}]
    facts: dict[str, Any] = {
        "year": year,
        "changes": changes,
        "missing": _said_once(missing),
        "late": _late(late),
    }
    return Alert(
        change_source(event),
        change_kind(changes),
        unit_id,
        event.unit_path,
        event.occurred_at,
        change_is_critical(changes),
        facts,
    )


def alerts_from(event: Envelope) -> list[Alert]:
    """The alerts an evaluation event raises (none for most events)."""
    payload = event.payload
    if isinstance(payload, ComplianceChanged):
        change = {
            "kind": AlertKind.COMPLIANCE_CHANGED.value,
            "criterion": payload.criterion,
            "old_status": payload.old_status.value,
            "new_status": payload.new_status.value,
        }
        return [_change(event, payload.unit_id, payload.year, change, payload.missing, payload.late)]
    if isinstance(payload, IndicatorAtRisk):
        change = {
            "kind": AlertKind.INDICATOR_AT_RISK.value,
            "criterion": payload.criterion,
            "indicator_id": payload.indicator_id,
            "period": payload.period,
            "closes_on": payload.closes_on.isoformat(),
        }
        return [_change(event, payload.unit_id, payload.year, change, payload.missing, payload.late)]
    if isinstance(payload, SelfAssessmentSubmitted):
        facts = {"year": payload.year, "submitted_on": payload.submitted_on.isoformat()}
        return [
            Alert(
                str(event.event_id),
                AlertKind.RECOGNITION_AWAITING_DECISION,
                payload.unit_id,
                event.unit_path,
                event.occurred_at,
                False,
                facts,
            )
        ]
    return []


def merged(alert: Alert, facts: dict[str, Any]) -> Alert | None:
    """``alert`` (a part of a change) joined to the change known so far (its ``facts``), or None when
    the change holds that part already (the same event delivered again)."""
    known = facts.get("changes") or []
    seen = {c["event_id"] for c in known}
    fresh = [c for c in alert.facts["changes"] if c["event_id"] not in seen]
    if not fresh:
        return None
    changes = [*known, *fresh]
    late_keys = {(m["indicator_id"], m["unit_id"], m["occurred_on"]) for m in facts.get("late") or []}
    joined = {
        **facts,
        "changes": changes,
        "missing": _once([*(facts.get("missing") or []), *alert.facts["missing"]]),  # messages are dicts
        "late": [
            *(facts.get("late") or []),
            *(
                m
                for m in alert.facts["late"]
                if (m["indicator_id"], m["unit_id"], m["occurred_on"]) not in late_keys
            ),
        ],
    }
    return Alert(
        alert.source_id,
        change_kind(changes),
        alert.unit_id,
        alert.unit_path,
        alert.occurred_at,
        change_is_critical(changes),
        joined,
    )


def overall_status(facts: dict[str, Any]) -> str | None:
    """The union's overall status a change names, if it names one (criterion 0)."""
    for change in reversed(facts.get("changes") or []):
        if change["kind"] == AlertKind.COMPLIANCE_CHANGED and change["criterion"] == 0:
            return str(change["new_status"])
    return None


def change_is_bad(facts: dict[str, Any]) -> bool:
    """Whether a change leaves something failing or at risk."""
    return any(
        c["kind"] == AlertKind.INDICATOR_AT_RISK or c.get("new_status") in BAD
        for c in facts.get("changes") or []
    )
