"""Routes of branch life: meetings, secretaries' briefings ("2 giao"), monthly tasks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.planning.api.common import Body, RecordId, planning_of
from services.planning.domain import commands as cmds
from services.planning.domain.branch_life import members_of
from shared.auth import Principal
from shared.contracts.org import OrgUnit
from shared.contracts.planning import EvidenceRef, MeetingKind
from shared.contracts.text import Line, Note
from shared.contracts.values import Count, Day, Month
from shared.http.auth import named_members, named_units
from shared.http.commands import Commands
from shared.http.params import UnitIdPath
from shared.ids import PersonId, UnitId

router = APIRouter(tags=["branch life"])

MemberIds: Any = Field(default=[], max_length=2000, description="pseudonymous member ids")


class HoldMeeting(Body):
    meeting_id: str | None = RecordId
    held_on: Day
    kind: MeetingKind
    attendees: list[PersonId] = MemberIds
    present_count: Count | None = Field(default=None, description="default: the attendees named")
    expected_count: Count | None = Field(default=None, description="default: the branches' active members")
    agenda: Note = Field(default="", max_length=5000)
    minutes: EvidenceRef | None = None
    joint_branch_ids: list[UnitId] = Field(
        default=[], max_length=50, description="for a joint meeting ('1 liên kết'): the other branches"
    )


class HoldBriefing(Body):
    briefing_id: str | None = RecordId
    held_on: Day
    attending_branch_ids: list[UnitId] = Field(min_length=1, max_length=1000)
    attendee_member_ids: list[PersonId] = MemberIds


class AssignTasks(Body):
    month: Month
    assigned_on: Day
    branch_ids: list[UnitId] = Field(min_length=1, max_length=1000)
    tasks: list[Annotated[Line, Field(min_length=1, max_length=1000)]] = Field(min_length=1, max_length=100)


async def named_attendees(
    request: Request,
    principal: Principal,
    field: str,
    member_ids: Sequence[str],
    branch_ids: Sequence[str],
    on: date,
    *,
    beyond: Sequence[str] = (),
) -> None:
    """The members named as present are in the token's scope or ``beyond`` (else unknown, ADR 0004), in
    the branch they were in on ``on``, the day they met: a branch back-filling a meeting names the
    members it had then, though some have moved on since."""
    known = await planning_of(request).members(member_ids)
    branch_of = {member_id: info.branch_met(on, branch_ids) for member_id, info in known.items()}
    accepted = members_of(branch_ids, on)
    await named_members(request, principal, field, member_ids, branch_of, beyond=beyond, accepted=accepted)


async def named_in_meeting(
    request: Request, principal: Principal, host: OrgUnit, cmd: cmds.HoldMeeting
) -> None:
    """What a meeting names is in the token's scope, or is part of the meeting.

    A joint meeting ("1 liên kết") brings the host's sibling branches together: a branch secretary
    names them and their members though they lie outside the branch's scope (ADR 0004).
    """
    siblings = [host.path.rsplit(".", 1)[0]] if "." in host.path else []
    joint = await named_units(request, principal, "joint_branch_ids", cmd.joint_branch_ids, beyond=siblings)
    branch_ids = [host.unit_id, *cmd.joint_branch_ids]
    meeting = [unit.path for unit in joint.values()] + [host.path]
    await named_attendees(
        request, principal, "attendees", cmd.attendees, branch_ids, cmd.held_on, beyond=meeting
    )


async def named_in_briefing(request: Request, principal: Principal, cmd: cmds.HoldBriefing) -> None:
    branch_ids = cmd.attending_branch_ids
    await named_units(request, principal, "attending_branch_ids", branch_ids)
    await named_attendees(
        request, principal, "attendee_member_ids", cmd.attendee_member_ids, branch_ids, cmd.held_on
    )


@router.post(
    "/branches/{branch_id}/meetings", status_code=201, summary="Record a branch meeting (sinh hoạt chi đoàn)"
)
async def hold_meeting(
    request: Request, branch_id: UnitIdPath, body: HoldMeeting, run: Commands
) -> JSONResponse:
    cmd = body.command(cmds.HoldMeeting, branch_id=branch_id)
    return await run(cmd, vet=lambda host: named_in_meeting(request, run.principal, host, cmd))


@router.post(
    "/units/{unit_id}/secretary-briefings",
    status_code=201,
    summary="Record a briefing of branch secretaries by the upper level (giao ban, '2 giao')",
)
async def hold_briefing(
    request: Request, unit_id: UnitIdPath, body: HoldBriefing, run: Commands
) -> JSONResponse:
    cmd = body.command(cmds.HoldBriefing, unit_id=unit_id)
    return await run(cmd, vet=lambda _: named_in_briefing(request, run.principal, cmd))


@router.post(
    "/units/{unit_id}/monthly-tasks",
    status_code=201,
    summary="Assign the month's tasks to branches (giao nhiệm vụ hằng tháng)",
)
async def assign_tasks(
    request: Request, unit_id: UnitIdPath, body: AssignTasks, run: Commands
) -> JSONResponse:
    cmd = body.command(cmds.AssignMonthlyTasks, unit_id=unit_id)
    return await run(
        cmd,
        vet=lambda _: named_units(request, run.principal, "branch_ids", cmd.branch_ids),
        unit_id=unit_id,
        month=body.month,
    )
