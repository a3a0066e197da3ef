"""Events owned by the evaluation service: compliance changes, risks and the recognition workflow."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import partial

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from shared.events import Event, event_type
from shared.i18n import Message
from shared.ids import UnitId

evaluation_event = partial(event_type, service="evaluation")


class Status(StrEnum):
    """A verdict on an indicator, a criterion or the whole model."""

    PASS = "pass"  # đạt
    AT_RISK = "at_risk"  # có nguy cơ không đạt
    FAIL = "fail"  # không đạt
    NOT_ASSESSED = "not_assessed"  # chưa đánh giá


class Missing(BaseModel):
    """Something that would change a verdict if it were recorded, e.g. a branch's October meeting."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator_id: str
    unit_id: UnitId | None = None
    period: str | None = None
    description: str = Field(
        default="", description="the message in English, for readers that do not render messages"
    )
    message: Message | None = Field(
        default=None, description="what is missing as a message id with parameters, in the reader's language"
    )

    @field_serializer("description")
    def _in_english(self, description: str) -> str:
        # Said in English when written out (an answer, an event), not for every item an evaluation finds.
        return english(description, self.message)

    def render(self, lang: str) -> str:
        """What is missing in the reader's language (the English description of an older event)."""
        return self.message.render(lang) if self.message is not None else self.description


def english(text: str, message: Message | None) -> str:
    """``text``, or where it was left to the message, the message in English."""
    return text or (message.render("en") if message is not None else "")


class LateCounting(StrEnum):
    """How evidence recorded late counts, as the rules say (a limit per indicator; default: counted)."""

    COUNTED = "counted"  # counted fully, marked late
    AT_RISK = "at_risk"  # beyond the limit: lifts the indicator to "at risk" at most
    NOT_COUNTED = "not_counted"  # beyond the limit: not counted at all


class LateEvidence(BaseModel):
    """Evidence recorded long after it happened (ghi nhận muộn): which event, how late, how it counts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator_id: str
    event_id: str
    kind: str = Field(description="the fact it gave: meeting, member_joined, activity_held …")
    unit_id: UnitId = Field(description="the branch or union it happened in")
    occurred_on: date = Field(description="the day it happened, as the user said")
    recorded_on: date = Field(description="the day the system learned it (Vietnam date)")
    days_late: int = Field(ge=0, description="days from occurred_on to recorded_on")
    counts_as: LateCounting = LateCounting.COUNTED
    message: Message | None = Field(
        default=None,
        description="the mark in words (what happened where, how late), in the reader's language",
    )


@evaluation_event("ComplianceChanged")
class ComplianceChanged(Event):
    """A grassroots union's status for a criterion (1, 2, 3) or overall (criterion 0) changed."""

    unit_id: UnitId
    year: int
    criterion: int = Field(ge=0, le=3, description="0 for the overall '3 chủ động' status")
    old_status: Status
    new_status: Status
    missing: tuple[Missing, ...] = ()
    cause_event_ids: tuple[str, ...] = ()
    late: tuple[LateEvidence, ...] = Field(
        default=(), description="evidence behind the new status that was recorded late, the latest first"
    )


@evaluation_event("IndicatorAtRisk")
class IndicatorAtRisk(Event):
    """An indicator will fail unless something is recorded before its period closes."""

    unit_id: UnitId
    year: int
    indicator_id: str
    criterion: int = Field(ge=1, le=3)
    period: str
    closes_on: date
    missing: tuple[Missing, ...] = ()
    late: tuple[LateEvidence, ...] = Field(
        default=(), description="its evidence that was recorded late, the latest first"
    )


@evaluation_event("SelfAssessmentSubmitted")
class SelfAssessmentSubmitted(Event):
    """A grassroots union submits its self-assessment for the year (tự đánh giá), with its claims."""

    unit_id: UnitId
    year: int
    submitted_on: date
    claims: dict[str, str] = Field(
        default_factory=dict, description="criterion → claimed status, with a note"
    )


class AppraisalVerdict(StrEnum):
    CONFIRMED = "confirmed"
    ADJUSTED = "adjusted"


@evaluation_event("CriterionAppraised")
class CriterionAppraised(Event):
    """The recognising unit appraises one criterion of a union's self-assessment (thẩm định)."""

    unit_id: UnitId
    year: int
    criterion: int = Field(ge=1, le=3)
    verdict: AppraisalVerdict
    status: Status
    comment: str
    appraised_by_unit_id: UnitId


@evaluation_event("UnitRecognised")
class UnitRecognised(Event):
    """The recognising unit recognises the union as "Đoàn cơ sở 3 chủ động" for the year (công nhận)."""

    unit_id: UnitId
    year: int
    decision_number: str
    decided_on: date
    recognised_by_unit_id: UnitId


@evaluation_event("RecognitionDenied")
class RecognitionDenied(Event):
    """The recognising unit does not recognise the union, with its reasons."""

    unit_id: UnitId
    year: int
    decided_on: date
    reasons: tuple[str, ...]
    denied_by_unit_id: UnitId
