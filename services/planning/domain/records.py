"""Things that open and then close once: an activity, a youth project, a proposal, an agreement.

Each lives in its own stream; its state is its opening date and how it closed, if it did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from shared.contracts.planning import (
    ActivityCancelled,
    ActivityHeld,
    ActivityScheduled,
    AdvisoryOutcomeRecorded,
    AdvisoryProposalSubmitted,
    CoordinationAgreementEnded,
    CoordinationAgreementSigned,
    YouthProjectCompleted,
    YouthProjectRegistered,
)
from shared.errors import ConflictError
from shared.events import Event

_OPENED: dict[type[Event], str] = {
    ActivityScheduled: "scheduled_on",
    YouthProjectRegistered: "registered_on",
    AdvisoryProposalSubmitted: "submitted_on",
    CoordinationAgreementSigned: "signed_on",
}
_CLOSED: dict[type[Event], tuple[str, str]] = {
    ActivityHeld: ("held", "held_on"),
    ActivityCancelled: ("cancelled", "cancelled_on"),
    YouthProjectCompleted: ("completed", "completed_on"),
    AdvisoryOutcomeRecorded: ("decided", "recorded_on"),
    CoordinationAgreementEnded: ("ended", "ended_on"),
}


@dataclass(frozen=True, slots=True)
class Record:
    """The state of one activity, project, proposal or agreement."""

    kind: str
    record_id: str
    unit_id: str
    opened_on: date
    version: int
    status: str = "open"
    closed_on: date | None = None
    ends_on: date | None = None

    @classmethod
    def replay(cls, kind: str, record_id: str, events: Sequence[Event]) -> Record | None:
        record: Record | None = None
        for version, event in enumerate(events, start=1):
            opened = _OPENED.get(type(event))
            closed = _CLOSED.get(type(event))
            if opened is not None:
                ends_on = getattr(event, "ends_on", None)
                unit_id = str(getattr(event, "unit_id", ""))
                record = Record(kind, record_id, unit_id, getattr(event, opened), version, ends_on=ends_on)
            elif closed is not None and record is not None:
                status, on = closed
                record = Record(
                    kind,
                    record_id,
                    record.unit_id,
                    record.opened_on,
                    version,
                    status,
                    getattr(event, on),
                    record.ends_on,
                )
        return record

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def require_open(self, *, action: str) -> None:
        if not self.is_open:
            raise ConflictError(
                f"{self.kind} {self.record_id!r} is already {self.status}: it cannot be {action}",
                rule=f"{self.kind}_already_{self.status}",
                field=f"{self.kind}_id",
                value=self.record_id,
                accepted=f"a {self.kind} that is still open",
            )

    def active_on(self, day: date) -> bool:
        """An agreement in force on ``day``: signed by then, not ended or expired before it."""
        if day < self.opened_on:
            return False
        if self.closed_on is not None and day > self.closed_on:
            return False
        return self.ends_on is None or day <= self.ends_on
