"""The sheets planning records: branch meetings, plans and their steps, activities, youth projects, advisory
proposals, coordination agreements and their joint activities.

Membership checks here what it knows for certain: the units (known, in the scope, of the right level,
living on each date), the members named as present (in that branch, active, on that day), the order of a
plan's steps, and the scope of an approval. Planning decides the rest when each step is sent, and refuses
it whole, naming the field, which the import names by its cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

from services.membership.domain.year_import.draft import Draft
from services.membership.domain.year_import.steps import Phase, derived_id
from services.membership.domain.year_import.workbook import Row
from shared.auth import Permission
from shared.contracts.member_stays import stay_on, stays_from, time_in_branches
from shared.contracts.org import UnitLevel
from shared.contracts.planning import MeetingKind, SubmittedTo

PLANS = Permission.MANAGE_PLANS
ALREADY = ("already_recorded",)


def _unique(draft: Draft, row: Row, seen: dict[str, Row], record_id: str, key: str, what: str) -> bool:
    """A record's id used once in the sheet (a row without one gets an id made from its content, so two
    rows of the same record are found too)."""
    if record_id in seen:
        draft.fail(row, key, f"the same {what} as row {seen[record_id].number}", f"each {what} once",
                   record_id)  # fmt: skip
        return False
    seen[record_id] = row
    return True


def plan_meetings(draft: Draft, rows: Sequence[Row]) -> None:
    seen: dict[str, Row] = {}
    for row in rows:
        meeting_id = row.get("meeting_id") or derived_id("mt", row, "branch_id", "held_on", "kind")
        if not _unique(draft, row, seen, meeting_id, "meeting_id", "meeting"):
            continue
        host = draft.unit(row, "branch_id", levels=(UnitLevel.BRANCH,), days=("held_on",))
        if host is None:
            continue
        held_on, kind = row.get("held_on"), row.get("kind")
        joint = row.get("joint_branch_ids") or ()
        if (kind is MeetingKind.JOINT) != bool(joint):
            draft.fail(row, "joint_branch_ids", "a joint meeting (Liên chi) names the other branches, "
                       "and only a joint one", "the other branches of a Liên chi meeting; empty otherwise")  # fmt: skip
            continue
        branches = [host.unit_id]
        for index, branch_id in enumerate(joint):
            other = draft.life.get(branch_id)
            if other is None or other.parent_id != host.parent_id or branch_id == host.unit_id:
                draft.fail(row, "joint_branch_ids", f"branch {branch_id!r} is not another branch under "
                           f"{host.parent_id!r}", f"branches under {host.parent_id!r}", branch_id)  # fmt: skip
                break
            if not other.open_on(held_on):
                draft.fail(row, "joint_branch_ids", f"branch {branch_id!r} did not exist on {held_on}",
                           f"branches living on {held_on}", joint[index])  # fmt: skip
                break
            branches.append(branch_id)
        else:
            _attendance(draft, row, meeting_id, branches)


def _attendance(draft: Draft, row: Row, meeting_id: str, branches: list[str]) -> None:
    """Everyone named was a member of the meeting's branches, active, on the day; the counts fit."""
    held_on, attendees = row.get("held_on"), row.get("attendees") or ()
    for member_id in attendees:
        if attendees.count(member_id) > 1:
            draft.fail(
                row, "attendees", f"member {member_id!r} is named twice", "each member once", member_id
            )
            return
        history = draft.histories.get(member_id)
        if history is None:
            draft.fail(row, "attendees", f"member {member_id!r} is neither admitted within "
                       f"{draft.known.scope.unit_id!r} nor in the sheet Đoàn viên",
                       "the ids of members of the branch", member_id)  # fmt: skip
            return
        stays = stays_from(history)
        if stay_on(stays, held_on, branches) is None:
            draft.fail(row, "attendees", f"member {member_id!r} was not an active member of "
                       f"{' or '.join(branches)} on {held_on.isoformat()} (their time in a branch: "
                       f"{time_in_branches(stays)})", f"members active in {' or '.join(branches)} on "
                       f"{held_on.isoformat()}", member_id)  # fmt: skip
            return
    expected = row.get("expected_count")
    expected = draft.members_active(branches, held_on) if expected is None else expected
    present = row.get("present_count")
    present = len(attendees) if present is None else present
    if not len(attendees) <= present <= expected:
        draft.fail(row, "present_count", f"{present} present does not fit {len(attendees)} named of "
                   f"{expected} members", f"between {len(attendees)} and {expected}", present)  # fmt: skip
        return
    body = {
        "meeting_id": meeting_id,
        "held_on": held_on,
        "kind": row.get("kind"),
        "attendees": attendees,
        "present_count": present,
        "expected_count": expected,
        "agenda": row.get("agenda"),
        "joint_branch_ids": branches[1:] or None,
    }
    draft.send(row, "planning", "POST", f"/branches/{branches[0]}/meetings", body, command="HoldMeeting",
               permission=Permission.RECORD_BRANCH_LIFE, phase=Phase.RECORDS, day=held_on, already=ALREADY)  # fmt: skip


_STEPS = ("submitted_on", "approved_on", "party_submitted_on", "party_opinion_on")


def plan_plans(draft: Draft, rows: Sequence[Row]) -> None:
    """Each plan drafted, then each of its steps the row dates, in order."""
    seen: dict[str, Row] = {}
    for row in rows:
        unit_id, year, kind = row.get("unit_id"), row.get("year"), row.get("kind")
        plan_id = f"{unit_id}.{year}.{kind.value}"  # planning's id of a unit's plan of a kind and year
        if not _unique(draft, row, seen, plan_id, "kind", "plan"):
            continue
        unit = draft.unit(row, "unit_id", days=_STEPS)
        if unit is None or not _steps_in_order(draft, row):
            continue
        first = min((row.get(k) for k in _STEPS if row.get(k)), default=None)
        step = partial(_plan_step, draft, row, first)
        step(("PUT", f"/units/{unit_id}/plans/{year}/{kind.value}", {"title": row.get("title")}), "DraftPlan",
             PLANS, ("plan_not_editable",), {})  # fmt: skip
        if row.get("submitted_on"):
            body = {"submitted_to": SubmittedTo.UPPER_LEVEL, "submitted_on": row.get("submitted_on")}
            step(("POST", f"/plans/{plan_id}/submissions", body), "SubmitPlan", PLANS,
                 ("plan_not_submittable", "plan_already_approved"), {"submitted_on": "submitted_on"})  # fmt: skip
        if row.get("approved_on") and _approver(draft, row, unit.path):
            step(("POST", f"/plans/{plan_id}/approval", {"approved_on": row.get("approved_on")}), "ApprovePlan",
                 Permission.APPRAISE, ("plan_already_approved",), {"decided_on": "approved_on"})  # fmt: skip
        if row.get("party_submitted_on"):
            body = {
                "submitted_to": SubmittedTo.PARTY_COMMITTEE,
                "submitted_on": row.get("party_submitted_on"),
            }
            step(("POST", f"/plans/{plan_id}/submissions", body), "SubmitPlan", PLANS,
                 ("plan_awaits_party_opinion",), {"submitted_on": "party_submitted_on"})  # fmt: skip
        if row.get("party_opinion_on"):
            body = {"recorded_on": row.get("party_opinion_on"), "opinion": row.get("party_opinion")}
            step(("POST", f"/plans/{plan_id}/party-opinion", body), "RecordPartyOpinion", PLANS, (),
                 {"recorded_on": "party_opinion_on", "opinion": "party_opinion"})  # fmt: skip


def _plan_step(
    draft: Draft,
    row: Row,
    day: date | None,
    request: tuple[str, str, Mapping[str, Any]],
    command: str,
    permission: Permission,
    already: tuple[str, ...],
    fields: Mapping[str, str],
) -> None:
    """One step of a plan; a plan's steps stay together, in the order the row gives them."""
    method, path, body = request
    draft.send(row, "planning", method, path, body, command=command, permission=permission,
               phase=Phase.PLANS, day=day, fields=fields, already=already)  # fmt: skip


def _steps_in_order(draft: Draft, row: Row) -> bool:
    """A plan is approved after it is submitted; the Party committee's opinion follows its submission."""
    for later, earlier, what in (
        ("approved_on", "submitted_on", "Ngày trình cấp trên"),
        ("party_opinion_on", "party_submitted_on", "Ngày trình cấp ủy"),
    ):
        after, before = row.get(later), row.get(earlier)
        if after is not None and (before is None or after < before):
            draft.fail(row, later, f"this step needs {what} on or before it", f"a date on or after {what}")
            return False
    if (row.get("party_opinion_on") is None) != (row.get("party_opinion") is None):
        draft.fail(row, "party_opinion", "Ý kiến cấp ủy and its date go together", "both, or neither")
        return False
    return True


def _approver(draft: Draft, row: Row, unit_path: str) -> bool:
    """An approval is the upper level's: the caller's token stands for a unit above the plan's."""
    acting = draft.known.acting_unit
    if acting is not None and unit_path.startswith(acting.path + "."):
        return True
    draft.fail(row, "approved_on", "an approval is recorded by the upper level, and your token stands for "
               f"{acting.unit_id if acting else 'no unit'!r}", "import with a token of a unit above "
               f"{row.get('unit_id')!r} (the district's), or leave Ngày phê duyệt empty")  # fmt: skip
    return False


def plan_activities(draft: Draft, rows: Sequence[Row]) -> None:
    seen: dict[str, Row] = {}
    for row in rows:
        activity_id = row.get("activity_id") or derived_id("act", row, "unit_id", "title", "scheduled_on")
        if not _unique(draft, row, seen, activity_id, "activity_id", "activity"):
            continue
        unit = draft.unit(row, "unit_id", days=("scheduled_on", "held_on", "cancelled_on"))
        if unit is None or not _held_or_cancelled(draft, row):
            continue
        body = {"activity_id": activity_id, "title": row.get("title"), "scheduled_on": row.get("scheduled_on"),
                "criterion": row.get("criterion")}  # fmt: skip
        draft.send(row, "planning", "POST", f"/units/{unit.unit_id}/activities", body, command="ScheduleActivity",
                   permission=PLANS, phase=Phase.RECORDS, day=row.get("scheduled_on"), already=ALREADY)  # fmt: skip
        if row.get("held_on"):
            body = {"held_on": row.get("held_on"), "participants": row.get("participants")}
            draft.send(row, "planning", "POST", f"/activities/{activity_id}/held", body, command="HoldActivity",
                       permission=PLANS, phase=Phase.FOLLOW_UPS, day=row.get("held_on"),
                       already=("activity_already_held",))  # fmt: skip
        elif row.get("cancelled_on"):
            body = {"cancelled_on": row.get("cancelled_on"), "reason": row.get("cancel_reason")}
            draft.send(row, "planning", "POST", f"/activities/{activity_id}/cancellation", body,
                       command="CancelActivity", permission=PLANS, phase=Phase.FOLLOW_UPS,
                       day=row.get("cancelled_on"), fields={"reason": "cancel_reason"},
                       already=("activity_already_cancelled",))  # fmt: skip


def _held_or_cancelled(draft: Draft, row: Row) -> bool:
    held, cancelled = row.get("held_on"), row.get("cancelled_on")
    for key, needs, given in (
        ("cancelled_on", "held_on", held and cancelled),
        ("participants", "held_on", held and row.get("participants") is None),
        ("cancel_reason", "cancelled_on", cancelled and not row.get("cancel_reason")),
    ):
        if given:
            message = "an activity is held or cancelled, not both" if key == "cancelled_on" else "required"
            draft.fail(row, key, message, f"filled in with {row.where(needs)[1]}" if key != "cancelled_on"
                       else "one of Ngày tổ chức and Ngày hủy")  # fmt: skip
            return False
    return True


def plan_projects(draft: Draft, rows: Sequence[Row]) -> None:
    seen: dict[str, Row] = {}
    for row in rows:
        project_id = row.get("project_id") or derived_id("prj", row, "unit_id", "title", "year")
        if not _unique(draft, row, seen, project_id, "project_id", "project"):
            continue
        unit = draft.unit(row, "unit_id", days=("registered_on", "completed_on"))
        if unit is None:
            continue
        body = {"project_id": project_id, "title": row.get("title"), "kind": row.get("kind"),
                "registered_on": row.get("registered_on"), "year": row.get("year")}  # fmt: skip
        draft.send(row, "planning", "POST", f"/units/{unit.unit_id}/youth-projects", body,
                   command="RegisterProject", permission=PLANS, phase=Phase.RECORDS,
                   day=row.get("registered_on"), already=ALREADY)  # fmt: skip
        if row.get("completed_on"):
            body = {"completed_on": row.get("completed_on"), "value_vnd": row.get("value_vnd")}
            draft.send(row, "planning", "POST", f"/youth-projects/{project_id}/completion", body,
                       command="CompleteProject", permission=PLANS, phase=Phase.FOLLOW_UPS,
                       day=row.get("completed_on"), already=("project_already_completed",))  # fmt: skip


def plan_proposals(draft: Draft, rows: Sequence[Row]) -> None:
    seen: dict[str, Row] = {}
    for row in rows:
        proposal_id = row.get("proposal_id") or derived_id("adv", row, "unit_id", "subject", "submitted_on")
        if not _unique(draft, row, seen, proposal_id, "proposal_id", "proposal"):
            continue
        unit = draft.unit(row, "unit_id", days=("submitted_on", "outcome_on"))
        if unit is None:
            continue
        if (row.get("outcome") is None) != (row.get("outcome_on") is None):
            key = "outcome_on" if row.get("outcome_on") is None else "outcome"
            draft.fail(
                row, key, "Kết quả and Ngày có kết quả go together", "both, or neither while unanswered"
            )
            continue
        body = {"proposal_id": proposal_id, "submitted_to": row.get("submitted_to"),
                "subject": row.get("subject"), "submitted_on": row.get("submitted_on")}  # fmt: skip
        draft.send(row, "planning", "POST", f"/units/{unit.unit_id}/advisory-proposals", body,
                   command="SubmitProposal", permission=PLANS, phase=Phase.RECORDS,
                   day=row.get("submitted_on"), already=ALREADY)  # fmt: skip
        if row.get("outcome") is not None:
            body = {
                "outcome": row.get("outcome"),
                "recorded_on": row.get("outcome_on"),
                "note": row.get("note"),
            }
            draft.send(row, "planning", "POST", f"/advisory-proposals/{proposal_id}/outcome", body,
                       command="RecordOutcome", permission=PLANS, phase=Phase.FOLLOW_UPS,
                       day=row.get("outcome_on"), fields={"recorded_on": "outcome_on"},
                       already=("proposal_already_decided",))  # fmt: skip


def plan_agreements(draft: Draft, rows: Sequence[Row], joint: Sequence[Row]) -> None:
    """Agreements, then the activities held under each (an agreement of the same workbook)."""
    agreements: dict[str, Row] = {}
    for row in rows:
        agreement_id = row.get("agreement_id")
        if not _unique(draft, row, agreements, agreement_id, "agreement_id", "agreement"):
            continue
        unit = draft.unit(row, "unit_id", days=("signed_on",))
        if unit is None:
            continue
        body = {"agreement_id": agreement_id, "partner": row.get("partner"), "signed_on": row.get("signed_on"),
                "ends_on": row.get("ends_on")}  # fmt: skip
        draft.send(row, "planning", "POST", f"/units/{unit.unit_id}/coordination-agreements", body,
                   command="SignAgreement", permission=PLANS, phase=Phase.RECORDS, day=row.get("signed_on"),
                   already=ALREADY)  # fmt: skip
    seen: dict[str, Row] = {}
    for row in joint:
        joint_id = row.get("joint_activity_id") or derived_id("ja", row, "agreement_id", "held_on", "title")
        if not _unique(draft, row, seen, joint_id, "joint_activity_id", "joint activity"):
            continue
        agreement = agreements.get(row.get("agreement_id"))
        if agreement is None:
            draft.fail(row, "agreement_id", f"agreement {row.get('agreement_id')!r} is not in the sheet "
                       "Quy chế phối hợp", "the id of a row of Quy chế phối hợp (an agreement recorded "
                       "before may be listed there again: it is not recorded twice)")  # fmt: skip
            continue
        held_on, signed_on, ends_on = row.get("held_on"), agreement.get("signed_on"), agreement.get("ends_on")
        if held_on < signed_on or (ends_on is not None and held_on > ends_on):
            draft.fail(row, "held_on", f"agreement {row.get('agreement_id')!r} was not in force on "
                       f"{held_on.isoformat()}", f"a date from {signed_on.isoformat()}"
                       + (f" to {ends_on.isoformat()}" if ends_on else ""))  # fmt: skip
            continue
        unit = draft.life.get(agreement.get("unit_id"))
        if unit is None or not unit.open_on(held_on):
            continue  # the agreement's row names its unit's error
        body = {"joint_activity_id": joint_id, "held_on": held_on, "title": row.get("title")}
        draft.send(row, "planning", "POST", f"/coordination-agreements/{row.get('agreement_id')}/joint-activities",
                   body, command="HoldJointActivity", permission=PLANS, phase=Phase.FOLLOW_UPS, day=held_on,
                   already=ALREADY)  # fmt: skip
