"""The rules as data (bộ tiêu chí): criteria, indicators, thresholds and periods, per province and period.

A rules file is YAML. The default file implements the indicator table of the
guidance (18-HD/TWĐTN-BTC); a province's file names ``extends: default`` and
gives only what it changes: indicators are merged by id, field by field.
A file that does not validate is refused with the indicator, the field and what
is accepted (:class:`RulesError`).
"""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from services.evaluation.domain.periods import months_before
from shared.contracts.evaluation import LateCounting
from shared.contracts.org import UnitType
from shared.errors import DomainError

Per = Literal["Y", "H", "Q", "M"]
SUB_PERIODS: dict[str, int] = {"Y": 1, "H": 2, "Q": 4, "M": 12}

FACT_KINDS: frozenset[str] = frozenset(
    {
        "member_joined", "profile_updated", "transfer_requested", "transfer_released", "transfer_accepted",
        "transfer_returned", "member_left", "membership_extended", "member_rated", "training_registered",
        "training_evaluated", "inactivity_reviewed", "dues", "roster_reviewed", "youth_situation_reported",
        "hardship_listed", "hardship_closed", "hardship_list_reviewed", "care_action", "youth_recruited",
        "party_referral", "party_admission", "plan_submitted", "plan_approved", "party_opinion",
        "model_registered", "meeting", "secretary_briefing", "monthly_tasks", "activity_scheduled",
        "activity_held", "activity_cancelled", "project_registered", "project_completed", "periodic_report",
        "review_held", "advisory_proposal", "advisory_outcome", "party_committee_briefed", "agreement_signed",
        "agreement_ended", "joint_activity", "dialogue", "self_assessment",
    }
)  # fmt: skip

Measure = Literal[
    "count",
    "roster_complete",
    "members_rated",
    "training",
    "one_plus_one",
    "activities_held",
    "attendance",
    "care_actions",
    "transfers",
    "ageing_out",
    "inactivity",
    "agreement_active",
]

# The parameters each measure reads, with their defaults: a file may set only these.
MEASURE_PARAMS: dict[str, dict[str, float]] = {
    "count": {},
    "roster_complete": {"threshold": 0.95},
    "members_rated": {"threshold": 1.0, "min_months": 6},
    "training": {"threshold": 0.95},
    "one_plus_one": {"share": 0.5},
    "activities_held": {"threshold": 0.8},
    "attendance": {"mean": 0.7, "floor": 0.5, "floor_months": 3},
    "care_actions": {"share": 0.8},
    "transfers": {"release_days": 15, "release_share": 0.9, "orphan_days": 90, "orphan_risk_days": 30},
    "ageing_out": {"age": 30, "handle_days": 90, "max_age": 35, "risk_days": 30},
    "inactivity": {"months": 3, "review_days": 60, "risk_days": 15},
    "agreement_active": {"min_active": 1},
}

# Measures that read only the roster: a lateness limit would have nothing to limit.
ROSTER_ONLY: frozenset[str] = frozenset({"roster_complete"})
LATE_LIMIT_ACCEPTED = "{days: N (0 or more), counts_as: at_risk or not_counted}"

_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class RulesError(DomainError):
    """A rules file that cannot be used; names the indicator, the field and what is accepted."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Requirement(_Model):
    """A countable requirement: at least ``min`` facts of ``kinds`` per period (per branch, if asked)."""

    label: str = Field(description="what is counted, in the words of 'what is missing'")
    kinds: tuple[str, ...] = Field(min_length=1)
    tag: str | None = Field(
        default=None, description="only facts with this tag (e.g. annual, party_committee)"
    )
    min: int = Field(default=1, ge=0)
    per: Per = "Y"
    periods_required: int | None = Field(default=None, ge=0, description="default: every period")
    per_branch: bool = False
    threshold: float = Field(default=1.0, ge=0, le=1, description="share of (branch-)periods that must pass")
    by: str | None = Field(default=None, description="MM-DD: only facts on or before this day count")
    by_year_offset: int = Field(default=0, ge=-1, le=0, description="-1: the deadline is in the year before")
    year_field: bool = Field(default=False, description="select facts by the year they name, not their date")
    period_from_tag: bool = Field(default=False, description="the fact names its period (2026-Q3, 2026-10)")
    grace_days: int = Field(default=0, ge=0, description="how late a period's fact may be recorded")
    distinct: bool = Field(default=False, description="count distinct subjects, not facts")

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, kinds: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [k for k in kinds if k not in FACT_KINDS]
        if unknown:
            raise ValueError(f"unknown fact kind(s) {unknown}; accepted: {', '.join(sorted(FACT_KINDS))}")
        return kinds

    @field_validator("by")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is not None and not _MONTH_DAY.match(value):
            raise ValueError(f"{value!r} is not a day of the year written MM-DD (e.g. 12-15)")
        return value

    @model_validator(mode="after")
    def _periods(self) -> Requirement:
        if self.periods_required is not None and self.periods_required > SUB_PERIODS[self.per]:
            raise ValueError(
                f"periods_required {self.periods_required} is more than the {SUB_PERIODS[self.per]} "
                f"period(s) of per={self.per}"
            )
        return self


class LateLimit(_Model):
    """How late evidence may be recorded and still count fully: beyond ``days`` it counts as ``counts_as``."""

    days: int = Field(
        strict=True, ge=0, description="days from the day it happened to the day it was recorded"
    )
    counts_as: Literal["at_risk", "not_counted"] = Field(
        description="at_risk: lifts the indicator to 'at risk' at most; not_counted: not counted at all"
    )

    @model_validator(mode="before")
    @classmethod
    def _written_as_a_mapping(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError(f"{value!r} is not a limit; accepted: {LATE_LIMIT_ACCEPTED}")
        missing = [key for key in ("days", "counts_as") if key not in value]
        if missing:
            raise ValueError(f"{' and '.join(missing)} missing; accepted: {LATE_LIMIT_ACCEPTED}")
        return value

    @property
    def counting(self) -> LateCounting:
        return LateCounting(self.counts_as)


class IndicatorOverride(_Model):
    """What a unit type changes in an indicator (e.g. schools, the armed forces)."""

    core: bool | None = None
    enabled: bool | None = None
    params: dict[str, float] | None = None
    requirements: tuple[Requirement, ...] | None = None
    late_limit: LateLimit | None = None


class Indicator(_Model):
    """One indicator (chỉ tiêu) of a criterion."""

    id: str = Field(pattern=r"^C[1-3]\.\d{1,2}$")
    name: str
    core: bool = False
    enabled: bool = True
    measure: Measure = "count"
    requirements: tuple[Requirement, ...] = ()
    params: dict[str, float] = Field(default_factory=dict)
    at_risk_days: int | None = Field(default=None, ge=0, description="override the file's window")
    late_limit: LateLimit | None = Field(
        default=None, description="evidence recorded later than this counts less; default: it counts (marked)"
    )
    overrides: dict[UnitType, IndicatorOverride] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _measure_params(self) -> Indicator:
        accepted = MEASURE_PARAMS[self.measure]
        for params in [self.params, *(o.params or {} for o in self.overrides.values())]:
            unknown = sorted(set(params) - set(accepted))
            if unknown:
                raise ValueError(
                    f"params {unknown} are not read by measure {self.measure!r}; "
                    f"accepted: {sorted(accepted) or 'none'}"
                )
        if self.measure == "count" and not self.requirements:
            raise ValueError("a 'count' indicator needs at least one requirement")
        limited = [o.late_limit for o in self.overrides.values()]
        if not self.requirements and self.measure in ROSTER_ONLY and any(limited):
            raise ValueError(_roster_only(self.measure))
        return self

    @field_validator("late_limit")
    @classmethod
    def _something_to_limit(cls, limit: LateLimit | None, info: ValidationInfo) -> LateLimit | None:
        measure = info.data.get("measure")
        if limit is not None and not info.data.get("requirements") and measure in ROSTER_ONLY:
            raise ValueError(_roster_only(str(measure)))
        return limit

    def for_unit_type(self, unit_type: UnitType) -> Indicator:
        override = self.overrides.get(unit_type)
        if override is None:
            return self
        changes: dict[str, Any] = {k: v for k, v in override.model_dump(exclude_none=True).items()}
        if "params" in changes:
            changes["params"] = {**self.params, **changes["params"]}
        if override.requirements is not None:
            changes["requirements"] = override.requirements
        if override.late_limit is not None:
            changes["late_limit"] = override.late_limit
        return self.model_copy(update=changes)

    def param(self, name: str) -> float:
        return self.params.get(name, MEASURE_PARAMS[self.measure][name])


def _roster_only(measure: str) -> str:
    return (
        f"measure {measure!r} reads the roster, which counts whenever it was recorded; accepted: "
        "a late_limit on an indicator that counts evidence (requirements, or any other measure)"
    )


class Criterion(_Model):
    """One of the three criteria (tiêu chí "chủ động")."""

    id: int = Field(ge=1, le=3)
    name: str
    min_optional: int = Field(default=0, ge=0)
    indicators: tuple[Indicator, ...] = Field(min_length=1)


class RuleSet(_Model):
    """A province's rules for a span of years."""

    id: str
    province: str | None = Field(default=None, description="the province unit id; None for the default")
    years: tuple[int, int] = (2023, 2027)
    year_start_month: dict[str, int] = Field(default_factory=lambda: {"default": 1, "school": 9})
    at_risk_days: dict[str, int] = Field(default_factory=lambda: {"M": 6, "Q": 15, "H": 30, "Y": 45})
    recognising_level: Literal["parent", "province", "district"] = Field(
        default="parent",
        description="who recognises a union when its tree does not name a recognising unit",
    )
    late_marked_after_days: int = Field(
        default=30,
        strict=True,
        ge=0,
        description="evidence recorded more days than this after it happened is marked late",
    )
    recognition_months: int = Field(
        default=3,
        strict=True,
        ge=0,
        le=11,
        description=(
            "the months after an evaluation year ends during which its recognition (appraisal, decision) "
            "is still the one in progress, before the next year's"
        ),
    )
    criteria: tuple[Criterion, ...] = Field(min_length=3, max_length=3)

    @field_validator("year_start_month")
    @classmethod
    def _start_months(cls, value: dict[str, int]) -> dict[str, int]:
        accepted = {"default", *(t.value for t in UnitType)}
        for key, month in value.items():
            if key not in accepted:
                raise ValueError(f"unit type {key!r} is not one of {sorted(accepted)}")
            if not 1 <= month <= 12:
                raise ValueError(f"month {month} for {key!r} is not between 1 and 12")
        if "default" not in value:
            raise ValueError("year_start_month needs a 'default' entry")
        return value

    @model_validator(mode="after")
    def _unique(self) -> RuleSet:
        if sorted(c.id for c in self.criteria) != [1, 2, 3]:
            raise ValueError("criteria must be exactly 1, 2 and 3")
        seen: set[str] = set()
        for criterion in self.criteria:
            for indicator in criterion.indicators:
                if indicator.id in seen:
                    raise ValueError(f"indicator {indicator.id} is defined twice")
                if not indicator.id.startswith(f"C{criterion.id}."):
                    raise ValueError(f"indicator {indicator.id} is listed under criterion {criterion.id}")
                seen.add(indicator.id)
            optional = sum(1 for i in criterion.indicators if not i.core and i.enabled)
            if criterion.min_optional > optional:
                raise ValueError(
                    f"criterion {criterion.id} asks min_optional={criterion.min_optional} "
                    f"but has {optional} enabled optional indicators"
                )
        return self

    def start_month(self, unit_type: UnitType) -> int:
        return self.year_start_month.get(unit_type.value, self.year_start_month["default"])

    def year_bounds(self, year: int, unit_type: UnitType) -> tuple[date, date]:
        """The first and last day of evaluation year ``year`` (a school year is named by its end)."""
        month = self.start_month(unit_type)
        if month == 1:
            return date(year, 1, 1), date(year, 12, 31)
        start = date(year - 1, month, 1)
        end = date(year, month, 1).toordinal() - 1
        return start, date.fromordinal(end)

    def year_of(self, day: date, unit_type: UnitType) -> int:
        month = self.start_month(unit_type)
        return day.year + 1 if month > 1 and day.month >= month else day.year

    def recognition_year(self, day: date, unit_type: UnitType) -> int:
        """The year whose recognition (công nhận) is in progress on ``day``: the evaluation year that day
        falls in, or the one before for ``recognition_months`` after it ends, while the recognising unit
        appraises and decides it (a calendar year's recognition runs to 31 March by default)."""
        return self.year_of(months_before(day, self.recognition_months), unit_type)

    def indicator(self, indicator_id: str) -> Indicator:
        for criterion in self.criteria:
            for indicator in criterion.indicators:
                if indicator.id == indicator_id:
                    return indicator
        raise KeyError(indicator_id)


# Loading


def _merge(base: Any, patch: Any) -> Any:
    """Deep-merge ``patch`` into ``base``; lists of mappings with ``id`` are merged by id."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if (
        isinstance(base, list)
        and isinstance(patch, list)
        and all(isinstance(x, dict) and "id" in x for x in patch)
    ) and all(isinstance(x, dict) and "id" in x for x in base):
        merged_list = list(base)
        index = {str(x["id"]): i for i, x in enumerate(merged_list)}
        for item in patch:
            key = str(item["id"])
            if key in index:
                merged_list[index[key]] = _merge(merged_list[index[key]], item)
            else:
                merged_list.append(item)
        return merged_list
    return patch


def _where(data: Any, loc: tuple[int | str, ...]) -> tuple[str, str]:
    """Name the place of a validation error: the indicator (or criterion) id and the field path."""
    rule_id, node, field_path = "rules", data, []
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            field_path.append(str(part))
            continue
        if isinstance(node, dict) and "id" in node:
            rule_id, field_path = str(node["id"]), []
            if isinstance(node["id"], int):
                rule_id = f"criterion {node['id']}"
        elif not isinstance(part, int):
            field_path.append(str(part))
        elif field_path:
            field_path[-1] += f"[{part}]"
    return rule_id, ".".join(field_path) or "(whole entry)"


def _read(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise RulesError(
            f"{source}: not valid YAML{where}: {getattr(exc, 'problem', exc)}",
            rule="rules_yaml",
            field=source,
            value=where.strip(),
            accepted="a YAML mapping",
        ) from exc
    if not isinstance(data, dict):
        raise RulesError(
            f"{source}: a rules file is a mapping", rule="rules_yaml", field=source, accepted="a YAML mapping"
        )
    return data


def default_text() -> str:
    return resources.files("services.evaluation.rules").joinpath("default.yaml").read_text(encoding="utf-8")


def parse_rules(text: str, source: str = "rules") -> RuleSet:
    """Validate a rules file's text (extending the default file when it says ``extends: default``)."""
    data = _read(text, source)
    extends = data.pop("extends", None)
    if extends is not None:
        if extends != "default":
            raise RulesError(
                f"{source}: extends {extends!r} is not known",
                rule="rules_extends",
                field="extends",
                value=extends,
                accepted="default",
            )
        data = _merge(_read(default_text(), "default.yaml"), data)
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        rule_id, field_path = _where(data, tuple(first["loc"]))
        message = first["msg"].removeprefix("Value error, ")
        raise RulesError(
            f"{source}: {rule_id}: {field_path}: {message}",
            rule="rules_invalid",
            field=f"{rule_id}.{field_path}",
            value=first.get("input") if not isinstance(first.get("input"), dict | list) else None,
            accepted=message,
        ) from exc


def load_rules(path: Path | None = None) -> RuleSet:
    """The rules in ``path``, or the default rules."""
    if path is None:
        return parse_rules(default_text(), "default.yaml")
    return parse_rules(path.read_text(encoding="utf-8"), str(path))
