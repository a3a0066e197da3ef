"""Deadlines (thời hạn) and the reminders ahead of and after each: pure date arithmetic.

The defaults follow the yearly cycle of ../../../shared/DOMAIN.md; a province
overrides them with its own file (``NOTIFICATIONS_DEADLINES_FILE``).
"""

from __future__ import annotations

from datetime import date, timedelta

import yaml
from pydantic import BaseModel, ConfigDict, Field

from shared.i18n import N_


class DeadlineRule(BaseModel):
    """A date by which every grassroots union must have done something, each year."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    deadline_id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str = Field(
        description="as officers know it; the defaults' are message ids translated by the catalogs, a "
        "province's own is shown as written"
    )
    indicator_id: str | None = None
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    year_offset: int = Field(default=0, ge=-1, le=1, description="-1: the deadline falls in the year before")
    reminders_days: tuple[int, ...] = (30, 7, 1)
    overdue_days: int = Field(default=60, ge=0, description="how long daily reminders go on once overdue")
    met_by: tuple[str, ...] = Field(description="event types that meet it for the unit and year")
    met_when: dict[str, str] = Field(
        default_factory=dict, description="payload fields those events must have"
    )

    def due_on(self, year: int) -> date:
        return date(year + self.year_offset, self.month, self.day)


class DeadlineFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deadlines: tuple[DeadlineRule, ...]


DEFAULT_DEADLINES: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        deadline_id="model_registration",
        title=N_("Register to build the “Đoàn cơ sở 3 chủ động” model"),
        indicator_id="C2.1",
        month=11,
        day=10,
        year_offset=-1,
        met_by=("ModelRegistered",),
    ),
    DeadlineRule(
        deadline_id="plan_to_party_committee",
        title=N_("Submit the year's work plan to the Party committee"),
        indicator_id="C3.1",
        month=1,
        day=31,
        met_by=("PlanSubmitted",),
        met_when={"submitted_to": "party_committee"},
    ),
    DeadlineRule(
        deadline_id="self_assessment",
        title=N_("Submit the self-assessment of the model's results"),
        indicator_id="C2.8",
        month=12,
        day=15,
        met_by=("SelfAssessmentSubmitted",),
    ),
)


def load_deadlines(text: str) -> tuple[DeadlineRule, ...]:
    return DeadlineFile.model_validate(yaml.safe_load(text)).deadlines


def reminder_due(due_on: date, today: date, reminders_days: tuple[int, ...], overdue_days: int) -> str | None:
    """The reminder that ``today`` calls for, named so that it is sent once, or None.

    Before the deadline it is the latest reminder point reached ("before-7" from 7
    days before until 2 days before, with reminders at 30, 7 and 1 days): after a
    day the service was down, the reminder missed is sent late rather than lost,
    and never twice. Once overdue there is one reminder a day.
    """
    if today > due_on:
        if today > due_on + timedelta(days=overdue_days):
            return None
        return f"overdue-{today.isoformat()}"
    reached = [d for d in reminders_days if due_on - timedelta(days=d) <= today]
    return f"before-{min(reached)}" if reached else None


def years_in_view(rule: DeadlineRule, today: date) -> list[int]:
    """The model years whose ``rule`` deadline is near enough to remind about today."""
    horizon = max(rule.reminders_days, default=0)
    years = []
    for year in (today.year - 1, today.year, today.year + 1, today.year + 2):
        due = rule.due_on(year)
        if due - timedelta(days=horizon) <= today <= due + timedelta(days=rule.overdue_days):
            years.append(year)
    return years
