"""Evaluation's commands (lệnh): the steps of a union's recognition for a year.

Each is handled by the one row of :func:`services.evaluation.app.commands.command_table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shared.commands import Command
from shared.contracts.evaluation import AppraisalVerdict, Status


@dataclass(frozen=True, slots=True, kw_only=True)
class RecognitionCommand(Command):
    """A step of one union's recognition (công nhận) for one year, authorised on the union."""

    unit_id: str
    year: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitSelfAssessment(RecognitionCommand):
    """The union submits its self-assessment (tự đánh giá): per criterion, what it claims."""

    submitted_on: date
    claims: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class AppraiseCriterion(RecognitionCommand):
    """The recognising unit appraises one criterion (thẩm định): met or not, and why."""

    criterion: int
    verdict: AppraisalVerdict
    status: Status
    comment: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DecideRecognition(RecognitionCommand):
    """The recognising unit decides (quyết định công nhận): recognised with its decision number, or
    denied with its reasons."""

    recognised: bool
    decided_on: date
    decision_number: str | None = None
    reasons: tuple[str, ...] = ()
