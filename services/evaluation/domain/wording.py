"""The words of an evaluation (lời giải trình): statuses, periods and names as messages for the catalogs.

Evaluation does not know its reader's language: what it says is a :class:`Message` (an English id
with parameters) that each reader renders in Vietnamese or English. Names from the rules file
(criteria, indicators, requirement labels) are messages without parameters: the catalogs know the
default ones, and a province's own names read as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from shared.contracts.evaluation import LateCounting, Status
from shared.contracts.org import UnitType
from shared.i18n import N_, Message, _

STATUS: dict[Status, Message] = {
    Status.PASS: _("Pass"),
    Status.AT_RISK: _("At risk"),
    Status.FAIL: _("Fail"),
    Status.NOT_ASSESSED: _("Not assessed"),
}

UNIT_TYPES: dict[UnitType, str] = {
    UnitType.COMMUNE_WARD: N_("commune or ward"),
    UnitType.SCHOOL: N_("school"),
    UnitType.ENTERPRISE: N_("enterprise"),
    UnitType.STATE_AGENCY: N_("state agency"),
    UnitType.ARMED_FORCES: N_("armed forces"),
    UnitType.OTHER: N_("other"),
}

# What each kind of fact is, for a late mark ("a branch meeting in Chi đoàn 2 on 13/01/2026 …").
FACT_KINDS: dict[str, str] = {
    "member_joined": N_("member admission"),
    "member_left": N_("member leaving"),
    "profile_updated": N_("profile update"),
    "transfer_requested": N_("transfer request"),
    "transfer_released": N_("transfer release"),
    "transfer_accepted": N_("transfer acceptance"),
    "transfer_returned": N_("transfer return"),
    "membership_extended": N_("membership extension"),
    "member_rated": N_("member rating"),
    "training_registered": N_("training programme registration"),
    "training_evaluated": N_("training programme evaluation"),
    "inactivity_reviewed": N_("inactivity review"),
    "dues": N_("dues payment"),
    "roster_reviewed": N_("roster review"),
    "youth_situation_reported": N_("youth situation report"),
    "hardship_listed": N_("hardship case listed"),
    "hardship_closed": N_("hardship case closed"),
    "hardship_list_reviewed": N_("hardship list review"),
    "care_action": N_("care action"),
    "youth_recruited": N_("youth brought in"),
    "party_referral": N_("Party referral"),
    "party_admission": N_("Party admission"),
    "plan_submitted": N_("plan submitted to the Party committee"),
    "plan_approved": N_("plan approval"),
    "party_opinion": N_("Party committee opinion"),
    "model_registered": N_("model registration"),
    "meeting": N_("branch meeting"),
    "secretary_briefing": N_("secretary briefing"),
    "monthly_tasks": N_("monthly task assignment"),
    "activity_scheduled": N_("activity planned"),
    "activity_held": N_("activity held"),
    "activity_cancelled": N_("activity cancelled"),
    "project_registered": N_("youth project registered"),
    "project_completed": N_("completed youth project"),
    "periodic_report": N_("periodic report"),
    "review_held": N_("review"),
    "advisory_proposal": N_("advisory proposal"),
    "advisory_outcome": N_("advisory outcome"),
    "party_committee_briefed": N_("Party committee briefing"),
    "agreement_signed": N_("coordination agreement signed"),
    "agreement_ended": N_("coordination agreement ended"),
    "joint_activity": N_("joint activity"),
    "dialogue": N_("dialogue"),
    "self_assessment": N_("self-assessment"),
}

COUNTS_AS: dict[LateCounting, Message] = {
    LateCounting.AT_RISK: _("beyond the recording limit: counts only as at risk"),
    LateCounting.NOT_COUNTED: _("beyond the recording limit: not counted"),
}

_HALF = re.compile(r"^(\d{4})-H([12])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^\d{4}$")
_BY = re.compile(r"^by (\d{4}-\d{2}-\d{2})$")


@cache
def named(text: str) -> Message:
    """A name from the rules file (an indicator, a requirement label), translated where the catalogs know it."""
    return Message(id=text or "–")


def fact_kind(kind: str) -> Message:
    return named(FACT_KINDS.get(kind, kind))


def unit_type(value: str) -> Message:
    try:
        return named(UNIT_TYPES[UnitType(value)])
    except ValueError:
        return named(value)


@cache
def period(label: str) -> Message:
    """A period of the year in words: "tháng 10/2026", "quý 3/2026", "6 tháng đầu năm 2026", "năm 2026"."""
    if match := _MONTH.match(label):
        return _("{month}/{year}", month=str(int(match[2])), year=match[1])
    if match := _QUARTER.match(label):
        return _("quarter {quarter}/{year}", quarter=match[2], year=match[1])
    if match := _HALF.match(label):
        if match[2] == "1":
            return _("first half of {year}", year=match[1])
        return _("second half of {year}", year=match[1])
    if _YEAR.match(label):
        return _("year {year}", year=label)
    if match := _BY.match(label):
        return _("by {deadline}", deadline=match[1])
    return named(label)


def joined(parts: Sequence[Message]) -> Message | None:
    """Several messages read as one, separated by semicolons (None for none)."""
    if not parts:
        return None
    text = parts[-1]
    for part in reversed(parts[:-1]):
        text = _("{first}; {rest}", first=part, rest=text)
    return text
