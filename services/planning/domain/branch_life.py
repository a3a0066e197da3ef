"""Branch life: meetings (sinh hoạt chi đoàn), secretaries' briefings ("2 giao") and monthly tasks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from services.planning.domain.checks import (
    AttachmentInfo,
    check_evidence,
    not_blank,
    not_in_future,
    require_below,
    require_unit_on,
)
from services.planning.domain.commands import AssignMonthlyTasks, HoldBriefing, HoldMeeting
from shared.contracts.member_stays import Stays, stay_on, time_in_branches
from shared.contracts.org import OrgUnit, UnitLevel
from shared.contracts.planning import (
    BranchMeetingHeld,
    MeetingKind,
    MonthlyTasksAssigned,
    SecretaryBriefingHeld,
)
from shared.errors import DomainError, NotFoundError
from shared.orgtree.guard import Dated, require_open

BRANCH = (UnitLevel.BRANCH,)
ABOVE_BRANCH = (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.GRASSROOTS, UnitLevel.INTER_BRANCH)
ASSIGNING = (UnitLevel.GRASSROOTS, UnitLevel.INTER_BRANCH)


@dataclass(frozen=True, slots=True)
class MemberInfo:
    """What planning knows of a member, from membership's events: their time in each branch."""

    member_id: str
    stays: Stays

    @property
    def branch_id(self) -> str:
        """The branch they were in last ("" before planning learned of any)."""
        return self.stays[-1].branch_id if self.stays else ""

    def branch_met(self, day: date, branch_ids: Sequence[str]) -> str:
        """Where the branches ``branch_ids``, meeting on ``day``, find them: in the branch they were active in
        that day; else in one of these they were ever in (an answer about their time there concerns these
        branches alone); else in the one they were in last."""
        stay = stay_on(self.stays, day) or next((s for s in self.stays if s.branch_id in branch_ids), None)
        return stay.branch_id if stay is not None else self.branch_id


def members_of(branch_ids: Sequence[str], on: date | None = None) -> str:
    """What an attendance list accepts: members of these branches (on the day they met)."""
    branches = " or ".join(repr(b) for b in branch_ids)
    return f"an active member of {branches}" + (f" on {on.isoformat()}" if on is not None else "")


def check_attendees(
    member_ids: Sequence[str],
    members: Mapping[str, MemberInfo],
    branch_ids: Sequence[str],
    *,
    field: str,
    on: date,
) -> None:
    """Everyone named as present was an active member of one of the branches on ``on``, the day they met:
    a member since moved to another branch attends the meetings of their months in this one."""
    accepted = members_of(branch_ids, on)
    for index, member_id in enumerate(member_ids):
        member = members.get(member_id)
        where = f"{field}[{index}]"
        if member is None:
            raise NotFoundError(
                f"member {member_id!r} is not known to planning",
                rule="unknown_member",
                field=where,
                value=member_id,
                accepted=accepted,
            )
        if stay_on(member.stays, on, branch_ids) is not None:
            continue
        time_here = f"their time in {' or '.join(repr(b) for b in branch_ids)}: " + time_in_branches(
            member.stays, branch_ids
        )
        elsewhere = stay_on(member.stays, on)
        if elsewhere is not None:
            raise DomainError(
                f"member {member_id!r} belonged to branch {elsewhere.branch_id!r} on {on.isoformat()} "
                f"({time_here})",
                rule="member_of_another_branch",
                field=where,
                value=member_id,
                accepted=accepted,
            )
        raise DomainError(
            f"member {member_id!r} was not an active member on {on.isoformat()}: not yet admitted or taken "
            f"in, between two branches, or no longer a member ({time_here})",
            rule="member_not_active",
            field=where,
            value=member_id,
            accepted=accepted,
        )
    if len(set(member_ids)) != len(member_ids):
        duplicate = next(m for m in member_ids if list(member_ids).count(m) > 1)
        raise DomainError(
            f"member {duplicate!r} is named twice",
            rule="duplicate_attendee",
            field=field,
            value=duplicate,
            accepted="each member once",
        )


def hold_meeting(
    cmd: HoldMeeting,
    *,
    meeting_id: str,
    branch: OrgUnit | None,
    joint: Mapping[str, OrgUnit | None],
    members: Mapping[str, MemberInfo],
    active_members: int,
    attachments: Mapping[str, AttachmentInfo],
    today: date,
) -> BranchMeetingHeld:
    """Record a branch meeting; a joint one ("1 liên kết") is hosted by ``branch_id`` with the others.

    ``active_members`` are the branches' active members on the day they met: what attendance is expected of.
    Every branch existed on the day it was held.
    """
    held = Dated.on("held_on", cmd.held_on)
    host = require_unit_on(branch, cmd.branch_id, held, field="branch_id", levels=BRANCH)
    not_in_future(cmd.held_on, today, field="held_on")
    if cmd.kind is MeetingKind.JOINT and not cmd.joint_branch_ids:
        raise DomainError(
            "a joint inter-branch meeting names the other branches",
            rule="joint_without_branches",
            field="joint_branch_ids",
            value=[],
            accepted="the ids of at least one other branch of the same grassroots union",
        )
    if cmd.kind is not MeetingKind.JOINT and cmd.joint_branch_ids:
        raise DomainError(
            f"a {cmd.kind.value} meeting is held by one branch",
            rule="branches_only_for_joint",
            field="joint_branch_ids",
            value=list(cmd.joint_branch_ids),
            accepted="an empty list, or kind 'joint'",
        )
    for index, branch_id in enumerate(cmd.joint_branch_ids):
        where = f"joint_branch_ids[{index}]"
        other = require_unit_on(joint.get(branch_id), branch_id, held, field=where, levels=BRANCH)
        if branch_id == host.unit_id or other.parent_id != host.parent_id:
            raise DomainError(
                f"branch {branch_id!r} cannot join a meeting hosted by {host.unit_id!r}",
                rule="joint_branch_not_sibling",
                field=where,
                value=branch_id,
                accepted=f"another branch under {host.parent_id!r}",
            )
    branch_ids = (host.unit_id, *cmd.joint_branch_ids)
    check_attendees(cmd.attendees, members, branch_ids, field="attendees", on=cmd.held_on)
    present = len(cmd.attendees) if cmd.present_count is None else cmd.present_count
    expected = active_members if cmd.expected_count is None else cmd.expected_count
    if present < len(cmd.attendees) or present > expected:
        raise DomainError(
            f"present_count {present} does not fit {len(cmd.attendees)} named attendees of {expected} expected",
            rule="attendance_count",
            field="present_count",
            value=present,
            accepted=f"between {len(cmd.attendees)} and {expected}",
        )
    check_evidence(cmd.minutes, attachments, host.unit_id, field="minutes")
    return BranchMeetingHeld(
        meeting_id=meeting_id,
        branch_id=host.unit_id,
        held_on=cmd.held_on,
        kind=cmd.kind,
        attendees=cmd.attendees,
        present_count=present,
        expected_count=expected,
        agenda=cmd.agenda,
        minutes=cmd.minutes,
        joint_branch_ids=cmd.joint_branch_ids,
    )


def hold_briefing(
    cmd: HoldBriefing,
    *,
    briefing_id: str,
    unit: OrgUnit | None,
    branches: Mapping[str, OrgUnit | None],
    members: Mapping[str, MemberInfo],
    today: date,
) -> SecretaryBriefingHeld:
    """The upper level briefs the secretaries of branches below it (giao ban, "2 giao"), all of them
    existing on the day."""
    held = Dated.on("held_on", cmd.held_on)
    upper = require_unit_on(unit, cmd.unit_id, held, levels=ABOVE_BRANCH)
    not_in_future(cmd.held_on, today, field="held_on")
    require_branches(
        cmd.attending_branch_ids,
        branches,
        upper,
        held,
        field="attending_branch_ids",
        none="a briefing names the branches whose secretaries attended",
    )
    check_attendees(
        cmd.attendee_member_ids,
        members,
        cmd.attending_branch_ids,
        field="attendee_member_ids",
        on=cmd.held_on,
    )
    return SecretaryBriefingHeld(
        briefing_id=briefing_id,
        unit_id=upper.unit_id,
        held_on=cmd.held_on,
        attending_branch_ids=cmd.attending_branch_ids,
        attendee_member_ids=cmd.attendee_member_ids,
    )


def assign_monthly_tasks(
    cmd: AssignMonthlyTasks,
    *,
    unit: OrgUnit | None,
    branches: Mapping[str, OrgUnit | None],
    today: date,
) -> MonthlyTasksAssigned:
    """The grassroots union gives its branches the month's tasks (giao nhiệm vụ hằng tháng): the union
    and the branches exist on the day they are given, and the union in the month."""
    assigned = Dated.on("assigned_on", cmd.assigned_on)
    assigner = require_unit_on(unit, cmd.unit_id, assigned, levels=ASSIGNING)
    require_open(assigner, Dated.month("month", cmd.month))
    not_in_future(cmd.assigned_on, today, field="assigned_on")
    require_branches(
        cmd.branch_ids,
        branches,
        assigner,
        assigned,
        field="branch_ids",
        none="tasks are assigned to branches",
    )
    cleaned = tuple(t.strip() for t in cmd.tasks if t.strip())
    if not cleaned:
        raise DomainError(
            "no task given",
            rule="no_tasks",
            field="tasks",
            value=list(cmd.tasks),
            accepted="at least one task",
        )
    for task in cleaned:
        not_blank(task, field="tasks")
    return MonthlyTasksAssigned(
        unit_id=assigner.unit_id,
        month=cmd.month,
        assigned_on=cmd.assigned_on,
        branch_ids=cmd.branch_ids,
        tasks=cleaned,
    )


def require_branches(
    branch_ids: Sequence[str],
    branches: Mapping[str, OrgUnit | None],
    upper: OrgUnit,
    when: Dated,
    *,
    field: str,
    none: str,
) -> None:
    """The branches a briefing or an assignment names: at least one (else ``none``), each a branch below
    ``upper`` that existed ``when`` the record is dated."""
    if not branch_ids:
        raise DomainError(
            none,
            rule="no_branches",
            field=field,
            value=[],
            accepted="at least one branch below the unit",
        )
    for index, branch_id in enumerate(branch_ids):
        where = f"{field}[{index}]"
        require_below(
            require_unit_on(branches.get(branch_id), branch_id, when, field=where, levels=BRANCH),
            upper,
            field=where,
        )
