"""What an evaluation says: a status with its evidence, per indicator, criterion and union."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_serializer

from shared.contracts.evaluation import LateEvidence, Missing, Status, english
from shared.i18n import Message

# fail outweighs at risk, which outweighs not assessed, which outweighs pass.
SEVERITY = {Status.PASS: 0, Status.NOT_ASSESSED: 1, Status.AT_RISK: 2, Status.FAIL: 3}
MAX_EVENT_IDS = 100
MAX_MISSING = 50
MAX_LATE = 100


def worst(statuses: list[Status]) -> Status:
    return max(statuses, key=SEVERITY.__getitem__, default=Status.NOT_ASSESSED)


class Evidence(BaseModel):
    """The numbers behind a verdict and the events that gave them (at most 100 ids are listed), with the
    events recorded late (at most 100, the latest recorded first; ``late_count`` says how many there are)."""

    numbers: dict[str, float] = Field(default_factory=dict)
    labels: dict[str, Message] = Field(
        default_factory=dict, description="the name of each number (by its key in numbers), as a message"
    )
    event_ids: list[str] = Field(default_factory=list)
    event_count: int = 0
    late: list[LateEvidence] = Field(default_factory=list)
    late_count: int = 0
    late_longest_days: int = Field(default=0, description="the most days late any of them was recorded")


class IndicatorResult(BaseModel):
    indicator_id: str
    name: str
    criterion: int
    core: bool
    status: Status
    closes_on: date | None = Field(default=None, description="when the period that decides it closes")
    evidence: Evidence
    missing: list[Missing] = Field(default_factory=list)
    explanation: str = Field(default="", description="explanation_message in English")
    explanation_message: Message | None = Field(
        default=None, description="why the indicator has its status, in the reader's language"
    )

    @field_serializer("explanation")
    def _in_english(self, explanation: str) -> str:
        return english(explanation, self.explanation_message)

    def explain(self, lang: str) -> str:
        """Why it has its status, in the reader's language."""
        return self.explanation_message.render(lang) if self.explanation_message else self.explanation


class CriterionResult(BaseModel):
    criterion: int
    name: str
    status: Status
    min_optional: int
    optional_passed: int
    indicators: list[IndicatorResult]
    explanation: str = Field(default="", description="explanation_message in English")
    explanation_message: Message | None = Field(
        default=None, description="why the criterion has its status, in the reader's language"
    )

    @field_serializer("explanation")
    def _in_english(self, explanation: str) -> str:
        return english(explanation, self.explanation_message)

    def explain(self, lang: str) -> str:
        """Why it has its status, in the reader's language."""
        return self.explanation_message.render(lang) if self.explanation_message else self.explanation


class UnitCompliance(BaseModel):
    """A grassroots union's "3 chủ động" status for one year, as of one date, with its evidence."""

    unit_id: str
    name: str = Field(default="", description="the union's name in the tree")
    unit_type: str
    year: int
    as_of: date
    basis: Literal["happened", "known"] = "happened"
    known_at: datetime | None = None
    rules_id: str
    status: Status
    criteria: list[CriterionResult]

    def criterion_status(self, criterion: int) -> Status:
        if criterion == 0:
            return self.status
        return next(c.status for c in self.criteria if c.criterion == criterion)
