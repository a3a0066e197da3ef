"""Evidence recorded late (ghi nhận muộn): how long after it happened each event was recorded.

Lateness is the days from the day a fact happened (``on``) to the day it was recorded (Vietnam dates).
Every indicator marks the events behind it recorded more than the rules' ``late_marked_after_days``
late. An indicator with a ``late_limit`` counts the events recorded later than its ``days`` as its
``counts_as`` says: ``at_risk`` lifts the indicator to "at risk" at most, ``not_counted`` leaves them
out; the events beyond the limit are always marked, whatever ``late_marked_after_days`` says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from services.evaluation.domain.facts import Fact, days_between
from services.evaluation.domain.results import MAX_LATE
from services.evaluation.domain.rules import LateLimit
from services.evaluation.domain.wording import COUNTS_AS, fact_kind
from shared.contracts.evaluation import LateCounting, LateEvidence
from shared.i18n import Message, _, _n


@dataclass(frozen=True, slots=True)
class Late:
    """One event recorded late, and whether it is beyond the indicator's limit."""

    fact: Fact
    recorded_on: date
    days: int
    beyond_limit: bool

    def sort_key(self) -> tuple[bool, int, int, str]:
        # Those beyond the limit first (they change the verdict), then the latest recorded (a back-fill
        # just entered is what moved a verdict), then the latest.
        return (not self.beyond_limit, -self.recorded_on.toordinal(), -self.days, self.fact.event_id)


@dataclass(frozen=True, slots=True)
class LateIndex:
    """The facts an evaluation admits, by event, to tell how late each event behind a verdict was recorded."""

    by_event: dict[str, Fact]
    _recorded: dict[str, tuple[date, int]] = field(default_factory=dict)  # recorded on, days late

    @classmethod
    def of(cls, facts: Iterable[Fact]) -> LateIndex:
        by_event: dict[str, Fact] = {}
        for fact in facts:
            by_event.setdefault(fact.event_id, fact)
        return cls(by_event)

    def recorded(self, event_id: str) -> tuple[date, int]:
        """The day the event was recorded and how many days late that was (each computed once)."""
        known = self._recorded.get(event_id)
        if known is None:
            fact = self.by_event[event_id]
            recorded_on = fact.recorded_on
            known = self._recorded[event_id] = (recorded_on, days_between(fact.on, recorded_on))
        return known

    def find(self, event_ids: Iterable[str], marked_after: int, limit: LateLimit | None) -> list[Late]:
        """The events among ``event_ids`` recorded late enough to be marked, the latest recorded first."""
        found = []
        for event_id in set(event_ids):
            if event_id not in self.by_event:
                continue
            recorded_on, days = self.recorded(event_id)
            beyond = limit is not None and days > limit.days
            if days > marked_after or beyond:
                found.append(Late(self.by_event[event_id], recorded_on, days, beyond))
        return sorted(found, key=Late.sort_key)


def late_mark(late: Late, counts_as: LateCounting, name_of: Callable[[str], str | Message]) -> Message:
    """One event recorded late, in words: what happened where and when, how late, how it counts."""
    said = {
        "days": late.days,
        "kind": fact_kind(late.fact.kind),
        "unit": name_of(late.fact.unit_id),
        "occurred": late.fact.on.isoformat(),
        "recorded": late.recorded_on.isoformat(),
    }
    if counts_as is LateCounting.COUNTED:
        return _("recorded {days} days late: {kind} in {unit} on {occurred}, recorded on {recorded}", **said)
    return _(
        "recorded {days} days late: {kind} in {unit} on {occurred}, recorded on {recorded}; {counts}",
        counts=COUNTS_AS[counts_as],
        **said,
    )


def late_evidence(
    indicator_id: str, found: list[Late], limit: LateLimit | None, name_of: Callable[[str], str | Message]
) -> list[LateEvidence]:
    """The first ``MAX_LATE`` of ``found`` as the evidence marks an evaluation answers with."""
    marks = []
    for late in found[:MAX_LATE]:
        counts_as = limit.counting if late.beyond_limit and limit is not None else LateCounting.COUNTED
        marks.append(
            LateEvidence(
                indicator_id=indicator_id,
                event_id=late.fact.event_id,
                kind=late.fact.kind,
                unit_id=late.fact.unit_id,
                occurred_on=late.fact.on,
                recorded_on=late.recorded_on,
                days_late=late.days,
                counts_as=counts_as,
                message=late_mark(late, counts_as, name_of),
            )
        )
    return marks


def late_text(found: list[Late]) -> Message | None:
    """What the explanation says of the events recorded late (None for none)."""
    if not found:
        return None
    longest = max(late.days for late in found)
    return _n(
        "late: {n} event recorded {days} days after it happened",
        "late: {n} events recorded up to {days} days after they happened",
        len(found),
        days=longest,
    )
