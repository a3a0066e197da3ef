"""The sheet Báo cáo: reports upward, reviews and a unit's other dated duties, one kind per row.

Membership's own (roster reviews, youth situation reports, hardship list reviews) are decided by its rules
and sent once (one already recorded sends nothing); planning's and evaluation's are checked for their unit,
period and dates, and sent to them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from services.membership.domain.care import report_youth_situation, review_hardship_list
from services.membership.domain.units import review_roster
from services.membership.domain.year_import.cells import Text, UnreadableCellError
from services.membership.domain.year_import.draft import Draft
from services.membership.domain.year_import.steps import Phase, derived_id
from services.membership.domain.year_import.workbook import LEADERS, REPORT_LABELS, TASKS, ReportKind, Row
from shared.auth import Permission
from shared.contracts import membership as ms
from shared.contracts.org import OrgUnit, UnitLevel
from shared.contracts.planning import ReviewKind
from shared.errors import DomainError
from shared.events import Event

RECORD = Permission.RECORD_BRANCH_LIFE
PLANS = Permission.MANAGE_PLANS
_PERIODS = {"Y": "a year, e.g. 2025", "Q": "a quarter, e.g. 2025-Q1", "M": "a month, e.g. 2025-03"}
_PERIOD_OF: dict[ReportKind, str] = {
    ReportKind.PERIODIC_REPORT: "Q",
    ReportKind.YOUTH_SITUATION: "Q",
    ReportKind.MID_YEAR_REVIEW: "Y",
    ReportKind.YEAR_END_REVIEW: "Y",
    ReportKind.MODEL_REGISTRATION: "Y",
    ReportKind.MONTHLY_TASKS: "M",
    ReportKind.SELF_ASSESSMENT: "Y",
}
_LEVELS: dict[ReportKind, tuple[UnitLevel, ...]] = {
    ReportKind.ROSTER_REVIEW: (UnitLevel.BRANCH,),
    ReportKind.MODEL_REGISTRATION: (UnitLevel.GRASSROOTS,),
    ReportKind.MONTHLY_TASKS: (UnitLevel.GRASSROOTS, UnitLevel.INTER_BRANCH),
    ReportKind.SELF_ASSESSMENT: (UnitLevel.GRASSROOTS,),
}


def plan_reports(draft: Draft, rows: Sequence[Row]) -> None:
    seen: dict[tuple[object, ...], Row] = {}
    for row in sorted(rows, key=lambda r: (r.get("on"), r.number)):
        kind: ReportKind = row.get("kind")
        period = row.get("period")
        wanted = _PERIOD_OF.get(kind)
        if wanted is not None and (period is None or period.kind != wanted):
            named = next(text for text, chosen in REPORT_LABELS.items() if chosen is kind)
            draft.fail(row, "period", f"{named} covers {_PERIODS[wanted]}", _PERIODS[wanted],
                       period.text if period else None)  # fmt: skip
            continue
        identity = (
            kind,
            row.get("unit_id"),
            period.text if period else None,
            None if period else row.get("on"),
        )
        if identity in seen:
            draft.fail(row, "kind", f"the same as row {seen[identity].number}", "each report once")
            continue
        seen[identity] = row
        unit = draft.unit(row, "unit_id", levels=_LEVELS.get(kind, ()), days=("on",))
        if unit is not None:
            _PLANNERS[kind](draft, row, unit)


def _recorded(draft: Draft, unit: OrgUnit, found: Callable[[Event], bool]) -> bool:
    return any(found(event) for event in draft.known.unit_events.get(unit.unit_id, ()))


def _roster_review(draft: Draft, row: Row, unit: OrgUnit) -> None:
    on: date = row.get("on")
    if _recorded(draft, unit, lambda e: isinstance(e, ms.BranchRosterReviewed) and e.reviewed_on == on):
        draft.already.append(row)
        return
    try:
        review_roster(draft.now[unit.unit_id], unit.unit_id, on=on, today=draft.today, active_members=0)
    except DomainError as exc:
        draft.refused(row, exc, {"reviewed_on": "on", "branch_id": "unit_id"})
        return
    draft.send(row, "membership", "POST", f"/units/{unit.unit_id}/roster-reviews", {"reviewed_on": on},
               command="ReviewRoster", permission=RECORD, phase=Phase.MEMBER_RECORDS, day=on,
               fields={"reviewed_on": "on"})  # fmt: skip


def _youth_situation(draft: Draft, row: Row, unit: OrgUnit) -> None:
    quarter, on = row.get("period").text, row.get("on")
    if _recorded(draft, unit, lambda e: isinstance(e, ms.YouthSituationReported) and e.quarter == quarter):
        draft.already.append(row)
        return
    summary = row.get("content") or ""
    try:
        report_youth_situation(draft.now[unit.unit_id], quarter=quarter, submitted_on=on, summary=summary,
                               already=False, today=draft.today)  # fmt: skip
    except DomainError as exc:
        draft.refused(row, exc, {"submitted_on": "on", "quarter": "period", "summary": "content"})
        return
    body = {"quarter": quarter, "submitted_on": on, "summary": summary}
    draft.send(row, "membership", "POST", f"/units/{unit.unit_id}/youth-situation-reports", body,
               command="ReportYouthSituation", permission=RECORD, phase=Phase.MEMBER_RECORDS, day=on,
               fields={"submitted_on": "on", "quarter": "period", "summary": "content"},
               already=("situation_already_reported",))  # fmt: skip


def _hardship_review(draft: Draft, row: Row, unit: OrgUnit) -> None:
    on: date = row.get("on")
    if _recorded(draft, unit, lambda e: isinstance(e, ms.HardshipListReviewed) and e.reviewed_on == on):
        draft.already.append(row)
        return
    try:
        review_hardship_list(draft.now[unit.unit_id], on=on, open_cases=0, today=draft.today)
    except DomainError as exc:
        draft.refused(row, exc, {"reviewed_on": "on"})
        return
    draft.send(row, "membership", "POST", f"/units/{unit.unit_id}/hardship-reviews", {"reviewed_on": on},
               command="ReviewHardshipList", permission=RECORD, phase=Phase.MEMBER_RECORDS, day=on,
               fields={"reviewed_on": "on"})  # fmt: skip


def _planning(
    draft: Draft, row: Row, path: str, body: dict[str, object], command: str, fields: dict[str, str]
) -> None:
    draft.send(row, "planning", "POST", path, body, command=command, permission=PLANS, phase=Phase.RECORDS,
               day=row.get("on"), fields=fields, already=("already_recorded", "model_already_registered"))  # fmt: skip


def _periodic_report(draft: Draft, row: Row, unit: OrgUnit) -> None:
    body: dict[str, object] = {"period": row.get("period").text, "submitted_on": row.get("on")}
    _planning(draft, row, f"/units/{unit.unit_id}/periodic-reports", body, "SubmitReport",
              {"submitted_on": "on", "period": "period"})  # fmt: skip


def _review(kind: ReviewKind) -> Callable[[Draft, Row, OrgUnit], None]:
    def plan(draft: Draft, row: Row, unit: OrgUnit) -> None:
        body: dict[str, object] = {"year": row.get("period").year, "kind": kind, "held_on": row.get("on")}
        _planning(draft, row, f"/units/{unit.unit_id}/reviews", body, "HoldReview",
                  {"held_on": "on", "year": "period"})  # fmt: skip

    return plan


def _party_briefing(draft: Draft, row: Row, unit: OrgUnit) -> None:
    topic = _content(draft, row, lambda text: (Text(2000).read(text, ()),))
    if topic:
        body: dict[str, object] = {"briefed_on": row.get("on"), "topic": topic[0]}
        _planning(draft, row, f"/units/{unit.unit_id}/party-briefings", body, "BriefPartyCommittee",
                  {"briefed_on": "on", "topic": "content"})  # fmt: skip


def _model_registration(draft: Draft, row: Row, unit: OrgUnit) -> None:
    body: dict[str, object] = {"year": row.get("period").year, "registered_on": row.get("on")}
    _planning(draft, row, f"/units/{unit.unit_id}/model-registrations", body, "RegisterModel",
              {"registered_on": "on", "year": "period"})  # fmt: skip


def _monthly_tasks(draft: Draft, row: Row, unit: OrgUnit) -> None:
    tasks = _content(draft, row, lambda text: TASKS.read(text, ()))
    branches = draft.branches_below(unit, row.get("on"))
    if not branches:
        draft.fail(row, "unit_id", f"unit {unit.unit_id!r} had no branch on {row.get('on')}",
                   "a unit with branches that day")  # fmt: skip
    if tasks and branches:
        body: dict[str, object] = {"month": row.get("period").text, "assigned_on": row.get("on"),
                                   "branch_ids": branches, "tasks": tasks}  # fmt: skip
        _planning(draft, row, f"/units/{unit.unit_id}/monthly-tasks", body, "AssignMonthlyTasks",
                  {"assigned_on": "on", "month": "period", "tasks": "content"})  # fmt: skip


def _dialogue(draft: Draft, row: Row, unit: OrgUnit) -> None:
    leaders = _content(draft, row, lambda text: LEADERS.read(text, ()))
    if row.get("participants") is None:
        draft.fail(row, "participants", "required for a dialogue", "how many young people took part")
    elif leaders:
        dialogue_id = derived_id("dlg", row, "unit_id", "on", "content")
        body: dict[str, object] = {"dialogue_id": dialogue_id, "held_on": row.get("on"), "leaders": leaders,
                                   "participants": row.get("participants")}  # fmt: skip
        _planning(draft, row, f"/units/{unit.unit_id}/dialogues", body, "HoldDialogue",
                  {"held_on": "on", "leaders": "content"})  # fmt: skip


def _content(draft: Draft, row: Row, read: Callable[[str], tuple[str, ...]]) -> tuple[str, ...]:
    """The row's Nội dung read as what this kind takes; empty (with the error) when it does not."""
    try:
        found = read(row.get("content") or "")
    except UnreadableCellError as exc:
        draft.fail(row, "content", exc.message, exc.accepted)
        return ()
    if not found:
        draft.fail(row, "content", "required for this kind", "at least one line")
    return found


def _self_assessment(draft: Draft, row: Row, unit: OrgUnit) -> None:
    body = {"year": row.get("period").year, "submitted_on": row.get("on")}
    draft.send(row, "evaluation", "POST", f"/units/{unit.unit_id}/self-assessment", body,
               command="SubmitSelfAssessment", permission=Permission.SELF_ASSESS,
               phase=Phase.SELF_ASSESSMENT, day=row.get("on"), fields={"submitted_on": "on", "year": "period"},
               already=("recognition_step",))  # fmt: skip


_PLANNERS: dict[ReportKind, Callable[[Draft, Row, OrgUnit], None]] = {
    ReportKind.ROSTER_REVIEW: _roster_review,
    ReportKind.YOUTH_SITUATION: _youth_situation,
    ReportKind.HARDSHIP_REVIEW: _hardship_review,
    ReportKind.PERIODIC_REPORT: _periodic_report,
    ReportKind.MID_YEAR_REVIEW: _review(ReviewKind.MID_YEAR),
    ReportKind.YEAR_END_REVIEW: _review(ReviewKind.YEAR_END),
    ReportKind.PARTY_BRIEFING: _party_briefing,
    ReportKind.MODEL_REGISTRATION: _model_registration,
    ReportKind.MONTHLY_TASKS: _monthly_tasks,
    ReportKind.DIALOGUE: _dialogue,
    ReportKind.SELF_ASSESSMENT: _self_assessment,
}
