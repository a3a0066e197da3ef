"""An event of the drill-down said in words (sự kiện): "Chi đoàn 2 sinh hoạt ngày 13/01/2026, 16/20 đoàn
viên có mặt", instead of its kind and ids. Without I/O: the names come from the caller.

Each event of evaluation's drill-down carries its fact: ``kind``, ``unit_id`` (the branch or union),
``occurred_on``, ``subject`` (a member, an activity …), two figures ``number`` and ``total`` and a
``tag`` (a meeting's kind, a rating, the member a referral names …), as ``services/evaluation/domain/facts.py``
makes them. Hardship cases are never named: the page says only that one was listed or cared for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from services.dashboard.domain.names import Name
from shared.i18n import N_, Message, _

# Labels of the values a fact's tag holds.
VALUES: dict[str, str] = {
    "excellent": N_("completed tasks excellently"),
    "good": N_("completed tasks well"),
    "completed": N_("completed tasks"),
    "not_completed": N_("did not complete tasks"),
    "matured": N_("aged out of the Union"),
    "struck_off": N_("struck off"),
    "expelled": N_("expelled"),
    "kept": N_("kept on the rolls"),
    "transferred": N_("transferred"),
    "adopted": N_("adopted"),
    "partly_adopted": N_("partly adopted"),
    "not_adopted": N_("not adopted"),
    "party_committee": N_("the Party committee"),
    "upper_level": N_("the Union level above"),
    "government": N_("the government"),
    "mid_year": N_("mid-year review"),
    "year_end": N_("year-end review"),
    "annual_plan": N_("Annual plan"),
    "action_programme": N_("Action programme"),
}

MEMBER_KINDS = {
    "member_joined": "subject",
    "profile_updated": "subject",
    "membership_extended": "subject",
    "member_left": "subject",
    "member_rated": "subject",
    "training_registered": "subject",
    "training_evaluated": "subject",
    "inactivity_reviewed": "subject",
    "dues": "subject",
    "transfer_requested": "tag",
    "transfer_released": "tag",
    "transfer_accepted": "tag",
    "transfer_returned": "tag",
    "youth_recruited": "tag",
    "party_referral": "tag",
    "party_admission": "tag",
}
"""The facts about a member, and which of their fields names the member."""

# What each kind of fact says, with the parameters it takes: unit, day, member, number, total, value.
SENTENCES: dict[str, str] = {
    "meeting": N_("{unit} held its meeting on {day}, {number}/{total} members present"),
    "roster_reviewed": N_("{unit} reviewed its roster on {day}: {number} active members"),
    "member_joined": N_("{member} admitted to {unit} on {day}"),
    "profile_updated": N_("{member}'s record updated on {day}"),
    "membership_extended": N_("{member} continues as a member until {value} (recorded on {day})"),
    "member_left": N_("{member} left the rolls on {day}: {value}"),
    "member_rated": N_("{member} rated for {number}: {value}"),
    "training_registered": N_("{member} registered for the training programme of {number}"),
    "training_evaluated": N_("{member}'s training programme of {number} evaluated: {value}"),
    "inactivity_reviewed": N_("{member}'s inactivity reviewed on {day}: {value}"),
    "dues": N_("{member}: dues for {value}"),
    "transfer_requested": N_("{member} asked on {day} to transfer out of {unit}"),
    "transfer_released": N_("{unit} released {member}'s transfer on {day}"),
    "transfer_accepted": N_("{unit} accepted {member}'s transfer on {day}"),
    "transfer_returned": N_("{member}'s transfer returned on {day}"),
    "youth_situation_reported": N_("{unit} reported the youth situation of {value} on {day}"),
    "hardship_listed": N_("{unit} listed a young person in hardship on {day}"),
    "hardship_closed": N_("{unit} closed a hardship case on {day}"),
    "hardship_list_reviewed": N_("{unit} reviewed its hardship list on {day}: {number} open cases"),
    "care_action": N_("{unit} recorded a care action on {day}"),
    "youth_recruited": N_("{member} brought a young person in (1+1) on {day}"),
    "party_referral": N_("{member} introduced to the Party on {day}"),
    "plan_submitted": N_("{unit} submitted its {number} plan to {value} on {day}"),
    "plan_approved": N_("{unit}'s {value} for {number} approved on {day}"),
    "party_opinion": N_("The Party committee gave its opinion on {unit}'s {number} plan on {day}"),
    "model_registered": N_("{unit} registered to build the model in {number} on {day}"),
    "secretary_briefing": N_("Branch secretaries' briefing on {day}: {number} branches attended"),
    "monthly_tasks": N_("{unit} assigned the tasks of {value} to {number} branches on {day}"),
    "activity_scheduled": N_("{unit} scheduled an activity for {day}"),
    "activity_held": N_("{unit} held an activity on {day}, {number} taking part"),
    "activity_cancelled": N_("{unit} cancelled an activity of {day}"),
    "project_registered": N_("{unit} registered a youth project for {number} on {day}"),
    "project_completed": N_("{unit} completed a youth project on {day}"),
    "periodic_report": N_("{unit} sent its report for {value} on {day}"),
    "review_held": N_("{unit} held its {value} on {day}"),
    "advisory_proposal": N_("{unit} submitted an advisory proposal to {value} on {day}"),
    "advisory_outcome": N_("Outcome of an advisory proposal of {unit} recorded on {day}: {value}"),
    "party_committee_briefed": N_("{unit} briefed the Party committee on {day}"),
    "agreement_signed": N_("{unit} signed a coordination agreement on {day}"),
    "agreement_ended": N_("A coordination agreement of {unit} ended on {day}"),
    "joint_activity": N_("{unit} held a joint activity with a partner on {day}"),
    "dialogue": N_("{unit} held a dialogue with the youth on {day}, {number} taking part"),
    "self_assessment": N_("{unit} submitted its self-assessment for {number} on {day}"),
}
JOINT_MEETING = N_("{unit} took part in a joint inter-branch meeting on {day}")
MEETING_WITHOUT_COUNT = N_("{unit} held its meeting on {day}")
PARTY_ADMITTED = N_("{member} admitted to the Party on {day}")
PARTY_NOT_ADMITTED = N_("{member} not admitted to the Party ({day})")
SOMETHING = N_("{unit}: evidence of {day}")
YEARS = {
    "member_rated",
    "training_registered",
    "training_evaluated",
    "plan_submitted",
    "plan_approved",
    "party_opinion",
    "model_registered",
    "project_registered",
    "self_assessment",
}
"""Kinds whose ``number`` is a year."""
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def member_of(event: Mapping[str, Any]) -> str | None:
    """The member an event is about, if it is about one."""
    where = MEMBER_KINDS.get(str(event.get("kind")))
    return str(event.get(where) or "") or None if where else None


def describe(event: Mapping[str, Any], unit: Callable[[str], Name], member: Callable[[str], Name]) -> Message:
    """The event in words, with the names ``unit`` and ``member`` give for ids."""
    kind, tag = str(event.get("kind")), str(event.get("tag") or "")
    number, total = int(event.get("number") or 0), int(event.get("total") or 0)
    params: dict[str, Any] = {
        "unit": unit(str(event.get("unit_id", ""))),
        "day": event.get("occurred_on"),
        "number": number,
        "total": total,
        "value": _value(tag),
    }
    who = member_of(event)
    if who is not None:
        params["member"] = member(who)
    if kind in YEARS:
        params["number"] = str(number)  # 2026, not 2.026
    return _(_sentence(kind, tag, total, number), **params)


def _value(tag: str) -> Any:
    """A tag as the reader says it: a label, a month as 10/2026, a day as dd/mm/yyyy (by the formatter)."""
    if tag in VALUES:
        return _(VALUES[tag])
    if _MONTH.match(tag):
        return f"{tag[5:]}/{tag[:4]}"
    return tag


def _sentence(kind: str, tag: str, total: int, number: int) -> str:
    if kind == "meeting":
        if tag == "joint" and not total:
            return JOINT_MEETING
        return SENTENCES[kind] if total else MEETING_WITHOUT_COUNT
    if kind == "party_admission":
        return PARTY_ADMITTED if number else PARTY_NOT_ADMITTED
    return SENTENCES.get(kind, SOMETHING)
