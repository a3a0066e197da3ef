"""Routes of branch life: meetings, secretaries' briefings ("2 giao"), monthly tasks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.planning.api.common import Body, command, handlers
from services.planning.domain.branch_life import RecordMeeting
from shared.auth import Permission
from shared.contracts.planning import EvidenceRef, MeetingKind
from shared.contracts.text import Line, Note
from shared.contracts.values import Count, Day, Month
from shared.http.auth import CurrentPrincipal
from shared.http.idempotency import IdempotencyKey
from shared.http.params import UnitIdPath
from shared.ids import PersonId, UnitId, new_id

router = APIRouter(tags=["branch life"])

RecordId: Any = Field(
    default=None, pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="omit to let the service give one"
)
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


@router.post(
    "/branches/{branch_id}/meetings", status_code=201, summary="Record a branch meeting (sinh hoạt chi đoàn)"
)
async def hold_meeting(
    request: Request,
    branch_id: UnitIdPath,
    body: HoldMeeting,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    cmd = RecordMeeting(
        meeting_id=body.meeting_id or new_id("mt"),
        branch_id=branch_id,
        held_on=body.held_on,
        kind=body.kind,
        attendees=tuple(body.attendees),
        present_count=body.present_count,
        expected_count=body.expected_count,
        agenda=body.agenda,
        minutes=body.minutes,
        joint_branch_ids=tuple(body.joint_branch_ids),
    )
    return await command(
        request,
        principal,
        Permission.RECORD_BRANCH_LIFE,
        branch_id,
        body,
        idempotency_key,
        lambda idem: handlers(request).hold_meeting(cmd, actor=principal.subject, idempotency=idem),
        meeting_id=cmd.meeting_id,
    )


@router.post(
    "/units/{unit_id}/secretary-briefings",
    status_code=201,
    summary="Record a briefing of branch secretaries by the upper level (giao ban, '2 giao')",
)
async def hold_briefing(
    request: Request,
    unit_id: UnitIdPath,
    body: HoldBriefing,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    briefing_id = body.briefing_id or new_id("br")
    return await command(
        request,
        principal,
        Permission.MANAGE_PLANS,
        unit_id,
        body,
        idempotency_key,
        lambda idem: handlers(request).hold_briefing(
            briefing_id,
            unit_id,
            body.held_on,
            body.attending_branch_ids,
            body.attendee_member_ids,
            actor=principal.subject,
            idempotency=idem,
        ),
        briefing_id=briefing_id,
    )


@router.post(
    "/units/{unit_id}/monthly-tasks",
    status_code=201,
    summary="Assign the month's tasks to branches (giao nhiệm vụ hằng tháng)",
)
async def assign_tasks(
    request: Request,
    unit_id: UnitIdPath,
    body: AssignTasks,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await command(
        request,
        principal,
        Permission.MANAGE_PLANS,
        unit_id,
        body,
        idempotency_key,
        lambda idem: handlers(request).assign_monthly_tasks(
            unit_id,
            body.month,
            body.assigned_on,
            body.branch_ids,
            body.tasks,
            actor=principal.subject,
            idempotency=idem,
        ),
        unit_id=unit_id,
        month=body.month,
    )
