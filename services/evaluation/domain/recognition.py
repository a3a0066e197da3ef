"""The recognition workflow (công nhận "Đoàn cơ sở 3 chủ động"), one union and year at a time.

registration (from planning) → self-assessment (tự đánh giá) → the recognising
unit's appraisal of each criterion (thẩm định) → decision: recognised, with its
decision number and date, or denied with reasons. No step can be skipped, and
only the recognising unit appraises and decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from services.evaluation.domain.rulebook import RuleBook
from shared.contracts.evaluation import (
    AppraisalVerdict,
    CriterionAppraised,
    RecognitionDenied,
    SelfAssessmentSubmitted,
    Status,
    UnitRecognised,
)
from shared.contracts.org import OrgUnit
from shared.errors import ConflictError, DomainError, ForbiddenError
from shared.events import Event
from shared.i18n import N_, Message, _

# The events of the workflow's stream (recognition-{union}-{year}), the only ones it folds.
STEPS = (SelfAssessmentSubmitted, CriterionAppraised, UnitRecognised, RecognitionDenied)


class Stage(StrEnum):
    UNREGISTERED = "unregistered"
    REGISTERED = "registered"  # đăng ký xây dựng mô hình
    SELF_ASSESSED = "self_assessed"  # đã tự đánh giá
    APPRAISED = "appraised"  # đã thẩm định đủ 3 tiêu chí
    RECOGNISED = "recognised"  # được công nhận
    DENIED = "denied"  # không được công nhận


# Each stage as officers read it (the dashboard shows the same words).
STAGES: dict[Stage, str] = {
    Stage.UNREGISTERED: N_("Not registered"),
    Stage.REGISTERED: N_("Registered"),
    Stage.SELF_ASSESSED: N_("Self-assessed"),
    Stage.APPRAISED: N_("Appraised"),
    Stage.RECOGNISED: N_("Recognised"),
    Stage.DENIED: N_("Denied"),
}
STEP_NAMES: dict[str, Message] = {
    "submit a self-assessment": _("submit the self-assessment"),
    "appraise a criterion": _("appraise a criterion"),
    "decide": _("decide on recognition"),
}


def _stages(stages: tuple[Stage, ...]) -> Message:
    said = [Message(id=STAGES[s]) for s in stages]
    return said[0] if len(said) == 1 else _("{first} or {second}", first=said[0], second=said[1])


class StepError(ConflictError):
    """A step of the workflow asked for out of order."""


@dataclass(frozen=True, slots=True)
class Registration:
    registered_on: date
    recognising_unit_id: str


def recognising_unit(book: RuleBook, union: OrgUnit, named: str = "") -> str:
    """Who recognises the union: as registered, else as the tree says, else by the rules' level."""
    if named:
        return named
    if union.recognising_unit_id:
        return union.recognising_unit_id
    level = book.for_path(union.path).recognising_level
    ancestors = union.path.split(".")[:-1]
    if level == "parent" or not ancestors:
        return union.parent_id or ancestors[-1]
    # "province" is the second element of a path under the central level, "district" the third.
    index = {"province": 1, "district": 2}[level]
    return ancestors[min(index, len(ancestors) - 1)]


@dataclass(slots=True)
class Recognition:
    """The state of one union's recognition for one year, from its events."""

    unit_id: str
    year: int
    registration: Registration | None
    self_assessment: SelfAssessmentSubmitted | None = None
    appraisals: dict[int, CriterionAppraised] = field(default_factory=dict)
    decision: UnitRecognised | RecognitionDenied | None = None

    @classmethod
    def from_history(
        cls, unit_id: str, year: int, registration: Registration | None, events: list[Event]
    ) -> Recognition:
        state = cls(unit_id, year, registration)
        for event in events:
            state.apply(event)
        return state

    def apply(self, event: Event) -> None:
        if isinstance(event, SelfAssessmentSubmitted):
            self.self_assessment = event
        elif isinstance(event, CriterionAppraised):
            self.appraisals[event.criterion] = event
        elif isinstance(event, UnitRecognised | RecognitionDenied):
            self.decision = event

    @property
    def steps(self) -> list[Event]:
        """The events that make this state, in an order that folds back to it: the self-assessment,
        each criterion's last appraisal, the decision."""
        found: list[Event | None] = [self.self_assessment, *self.appraisals.values(), self.decision]
        return [e for e in found if e is not None]

    @property
    def stage(self) -> Stage:
        if isinstance(self.decision, UnitRecognised):
            return Stage.RECOGNISED
        if isinstance(self.decision, RecognitionDenied):
            return Stage.DENIED
        if len(self.appraisals) == 3:
            return Stage.APPRAISED
        if self.self_assessment is not None:
            return Stage.SELF_ASSESSED
        return Stage.REGISTERED if self.registration is not None else Stage.UNREGISTERED

    def _expect(self, step: str, *allowed: Stage) -> None:
        if self.stage not in allowed:
            raise StepError(
                f"cannot {step} for {self.unit_id} in {self.year}: the workflow is at '{self.stage.value}'",
                rule="recognition_step",
                field="stage",
                value=self.stage.value,
                accepted=" or ".join(s.value for s in allowed),
                text=_(
                    "cannot {step} for {year}: the recognition is at the stage “{stage}”; this step needs “{needed}”",
                    step=STEP_NAMES[step],
                    year=str(self.year),
                    stage=Message(id=STAGES[self.stage]),
                    needed=_stages(allowed),
                ),
            )

    def _recogniser(self, by_unit_id: str) -> None:
        assert self.registration is not None
        if by_unit_id != self.registration.recognising_unit_id:
            raise ForbiddenError(
                f"only the recognising unit {self.registration.recognising_unit_id!r} may appraise and decide",
                rule="not_recognising_unit",
                field="unit",
                value=by_unit_id,
                accepted=self.registration.recognising_unit_id,
                text=_(
                    "only the recognising unit ({unit}) may appraise and decide",
                    unit=self.registration.recognising_unit_id,
                ),
            )

    def self_assess(self, submitted_on: date, claims: dict[str, str]) -> SelfAssessmentSubmitted:
        self._expect("submit a self-assessment", Stage.REGISTERED)
        return SelfAssessmentSubmitted(
            unit_id=self.unit_id, year=self.year, submitted_on=submitted_on, claims=claims
        )

    def appraise(
        self, by_unit_id: str, criterion: int, verdict: AppraisalVerdict, status: Status, comment: str
    ) -> CriterionAppraised:
        self._expect("appraise a criterion", Stage.SELF_ASSESSED, Stage.APPRAISED)
        self._recogniser(by_unit_id)
        if status is Status.NOT_ASSESSED or status is Status.AT_RISK:
            raise DomainError(
                "an appraisal concludes: the criterion is met or not",
                rule="appraisal_status",
                field="status",
                value=status.value,
                accepted="pass or fail",
                text=_("an appraisal concludes: the criterion is met (pass) or not (fail)"),
            )
        return CriterionAppraised(
            unit_id=self.unit_id,
            year=self.year,
            criterion=criterion,
            verdict=verdict,
            status=status,
            comment=comment,
            appraised_by_unit_id=by_unit_id,
        )

    def recognise(self, by_unit_id: str, decision_number: str, decided_on: date) -> UnitRecognised:
        self._expect("decide", Stage.APPRAISED)
        self._recogniser(by_unit_id)
        failed = sorted(c for c, a in self.appraisals.items() if a.status is not Status.PASS)
        if failed:
            raise StepError(
                f"cannot recognise {self.unit_id}: criteria {failed} were appraised as not met",
                rule="criteria_not_met",
                field="criteria",
                value=failed,
                accepted="all three criteria appraised as pass",
                text=_(
                    "cannot recognise: criteria {criteria} were appraised as not met",
                    criteria=", ".join(str(c) for c in failed),
                ),
            )
        return UnitRecognised(
            unit_id=self.unit_id,
            year=self.year,
            decision_number=decision_number,
            decided_on=decided_on,
            recognised_by_unit_id=by_unit_id,
        )

    def deny(self, by_unit_id: str, decided_on: date, reasons: tuple[str, ...]) -> RecognitionDenied:
        self._expect("decide", Stage.APPRAISED)
        self._recogniser(by_unit_id)
        return RecognitionDenied(
            unit_id=self.unit_id,
            year=self.year,
            decided_on=decided_on,
            reasons=reasons,
            denied_by_unit_id=by_unit_id,
        )

    def decide(
        self,
        by_unit_id: str,
        *,
        recognised: bool,
        decided_on: date,
        decision_number: str | None,
        reasons: tuple[str, ...],
    ) -> UnitRecognised | RecognitionDenied:
        """The decision: a recognition names its decision number, a denial its reasons."""
        if not recognised:
            if not reasons:
                raise DomainError(
                    "a denial needs its reasons",
                    rule="reasons_required",
                    field="reasons",
                    value=[],
                    accepted="at least one reason",
                    text=_("a denial needs its reasons"),
                )
            return self.deny(by_unit_id, decided_on, reasons)
        if decision_number is None:
            raise DomainError(
                "a recognition needs its decision number",
                rule="decision_number_required",
                field="decision_number",
                value=None,
                accepted="the number of the recognition decision, e.g. 125-QĐ/HĐTN",
                text=_("a recognition needs its decision number, e.g. 125-QĐ/HĐTN"),
            )
        return self.recognise(by_unit_id, decision_number, decided_on)
