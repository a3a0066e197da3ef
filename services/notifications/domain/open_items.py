"""What is open now (việc đang mở): the alerts an officer who subscribes today still needs.

Each union has at most one open item per topic, the last alert that says it: its compliance in a
year while it fails or is at risk, a self-assessment awaiting its decision, each deadline not met
(until its reminders stop), each indicator at risk until its period closes. A newly subscribed
officer receives the open items about the units they follow as a first digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.notifications.domain.alerts import BAD, Alert, change_is_bad, overall_status
from shared.contracts.notifications import AlertKind


@dataclass(frozen=True, slots=True)
class OpenItem:
    """The item ``alert`` opens or renews: its topic, whether it is open, the last day it matters."""

    topic: str
    open: bool
    until: date | None = None


def status_topic(year: int) -> str:
    return f"status:{year}"


def decision_topic(year: int) -> str:
    return f"decision:{year}"


def deadline_topic(deadline_id: str, year: int) -> str:
    return f"deadline:{deadline_id}:{year}"


def reminder_prefix(year: int, criterion: int) -> str:
    """The topics of a criterion's indicators at risk in a year: closed together when it passes."""
    return f"reminder:{year}:{criterion}:"


def item_of(alert: Alert, was_open: bool | None) -> OpenItem | None:
    """The open item ``alert`` sets (None: it opens nothing); ``was_open``: the topic's state before."""
    facts = alert.facts
    year = int(facts.get("year", 0))
    if alert.is_change:
        overall = overall_status(facts)
        if overall is not None:
            is_open = overall in BAD
        elif was_open is not None:
            is_open = was_open
        else:
            is_open = change_is_bad(facts)
        return OpenItem(status_topic(year), is_open)
    if alert.kind is AlertKind.RECOGNITION_AWAITING_DECISION:
        return OpenItem(decision_topic(year), True)
    if alert.kind in (AlertKind.DEADLINE_APPROACHING, AlertKind.DEADLINE_PASSED):
        until = date.fromisoformat(str(facts["open_until"])) if facts.get("open_until") else None
        if facts.get("deadline_id"):
            return OpenItem(deadline_topic(str(facts["deadline_id"]), year), True, until)
        if facts.get("indicator_id") and facts.get("period"):
            topic = f"{reminder_prefix(year, int(facts.get('criterion', 0)))}{facts['indicator_id']}:{facts['period']}"
            return OpenItem(topic, True, until)
    return None
