"""What a verification found, in words that mean what they say, and the exit code each gives.

Each check of each service ends ``ok`` (checked, and as it should be), ``BROKEN`` (checked, and not as it
should be: the first place is named) or ``NOT CHECKED`` (it could not be checked, and why). The words
are the same in every language, so a script may look for them; what follows them is in the reader's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from shared.i18n import Message, format_date, tr


class Verdict(StrEnum):
    OK = "ok"
    BROKEN = "BROKEN"
    NOT_CHECKED = "NOT CHECKED"


EXIT_CODES = {Verdict.OK: 0, Verdict.BROKEN: 1, Verdict.NOT_CHECKED: 3}
"""``chudong verify`` exits 0 when everything was checked and holds, 1 when anything is broken, else 3."""


class Check(StrEnum):
    """What was checked of a service's history."""

    DATABASE = "database"  # the hash chain in the service's database, against the checkpoints too
    JETSTREAM = "jetstream"  # the JetStream copy, event by event against the database
    CHECKPOINTS = "checkpoints"  # the signed checkpoints: every signature, by the service's key
    FILED = "filed"  # the checkpoints of a file an auditor kept (--against)


@dataclass(frozen=True, slots=True)
class BrokenEvent:
    """The event where a history first differs: where, what, and what each copy holds there."""

    position: int
    event_id: str = ""
    type: str = ""
    unit_path: str = ""
    occurred_at: datetime | None = None
    hashes: dict[str, str | None] = field(default_factory=dict)  # copy → its hash there (None: missing)
    agreement: Message | None = None  # which copies agree

    def as_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "event_id": self.event_id or None,
            "type": self.type or None,
            "unit_path": self.unit_path or None,
            "unit_id": self.unit_path.rsplit(".", 1)[-1] if self.unit_path else None,
            "occurred_on": self.occurred_on.isoformat() if self.occurred_on else None,
            "hashes": self.hashes,
        }

    @property
    def occurred_on(self) -> date | None:
        return self.occurred_at.date() if self.occurred_at else None


@dataclass(frozen=True, slots=True)
class Finding:
    service: str
    check: Check
    verdict: Verdict
    text: Message
    event: BrokenEvent | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK

    def lines(self, lang: str) -> list[str]:
        """The finding as a reader sees it: one line, and the broken event's details under it."""
        lines = [
            f"{self.service:<14} {self.check.value:<12} {self.verdict.value:<12} {self.text.render(lang)}"
        ]
        e = self.event
        if e is None:
            return lines
        if e.event_id:
            lines.append(
                "    "
                + tr(
                    lang,
                    "event {event_id}, {type}, unit {unit}, happened on {day}",
                    event_id=e.event_id,
                    type=e.type or "?",
                    unit=e.unit_path.rsplit(".", 1)[-1] if e.unit_path else "?",
                    day=format_date(e.occurred_on, lang) if e.occurred_on else "?",
                )
            )
        for copy, value in e.hashes.items():
            lines.append(f"    {copy + ':':<28} {value or tr(lang, '(missing)')}")
        if e.agreement is not None:
            lines.append("    " + e.agreement.render(lang))
        return lines

    def as_json(self, lang: str) -> dict[str, Any]:
        return {
            "service": self.service,
            "check": self.check.value,
            "verdict": self.verdict.value,
            "text": self.text.render(lang),
            "message": self.text.model_dump(mode="json"),
            "event": self.event.as_json() if self.event else None,
            "agreement": self.event.agreement.render(lang) if self.event and self.event.agreement else None,
            "agreement_message": (
                self.event.agreement.model_dump(mode="json") if self.event and self.event.agreement else None
            ),
        }


def overall(findings: list[Finding]) -> Verdict:
    """BROKEN if anything is, else NOT CHECKED if anything is, else ok (nothing found is not ok)."""
    verdicts = {f.verdict for f in findings}
    if Verdict.BROKEN in verdicts:
        return Verdict.BROKEN
    if Verdict.NOT_CHECKED in verdicts or not findings:
        return Verdict.NOT_CHECKED
    return Verdict.OK


def as_text(findings: list[Finding], lang: str) -> str:
    lines = [line for f in findings for line in f.lines(lang)]
    lines.append(tr(lang, "verification: {verdict}", verdict=overall(findings).value))
    return "\n".join(lines) + "\n"


def as_json(findings: list[Finding], lang: str, **extra: Any) -> str:
    document = {"verdict": overall(findings).value, **extra, "findings": [f.as_json(lang) for f in findings]}
    return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
