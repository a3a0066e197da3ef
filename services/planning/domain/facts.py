"""Facts a unit records once each: a report, a review, a briefing of the Party committee, a dialogue…

They share their rules: the unit is known and existed on the fact's date, what happened is not dated in
the future, named texts are not blank, and cited evidence is a file the unit attached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.planning.domain.checks import AttachmentInfo, check_evidence, not_blank, not_in_future
from shared.contracts.planning import EvidenceRef
from shared.events import Event
from shared.orgtree.guard import Dated

# Dates of what is planned or agreed, which may lie ahead.
FUTURE_ALLOWED = frozenset({"scheduled_on", "ends_on", "deadline"})
# Texts a user must fill in when the contract has them.
REQUIRED_TEXT = frozenset({"title", "subject", "topic", "partner", "source"})


@dataclass(frozen=True, slots=True)
class Fact:
    """An event to record under a stream of its own, dated by ``dated`` (its field and day).

    Its id or its period (``field`` = ``value``) is used once: ``what`` names it when it was.
    """

    stream_id: str
    event: Event
    dated: Dated
    what: str
    field: str
    value: object

    @property
    def day(self) -> date:
        return self.dated.first

    @property
    def evidence(self) -> list[EvidenceRef]:
        return [value for _, value in self.event if isinstance(value, EvidenceRef)]


def new_record(stream_id: str, event: Event, dated: Dated, *, what: str, field: str) -> Fact:
    """A fact under the new id ``event.<field>``, named ``what`` and that id."""
    record_id = getattr(event, field)
    return Fact(stream_id, event, dated, f"{what} {record_id!r}", field, record_id)


def check_fact(fact: Fact, *, unit_id: str, attachments: Mapping[str, AttachmentInfo], today: date) -> None:
    for name, value in fact.event:
        if isinstance(value, date) and name.endswith("_on") and name not in FUTURE_ALLOWED:
            not_in_future(value, today, field=name)
        elif isinstance(value, str) and name in REQUIRED_TEXT:
            not_blank(value, field=name)
        elif isinstance(value, EvidenceRef):
            check_evidence(value, attachments, unit_id, field=name)
