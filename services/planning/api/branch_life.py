"""Routes of branch life: meetings, secretaries' briefings ("2 giao"), monthly tasks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.planning.api.common import Body, command, handlers
from services.planning.domain.branch_life import RecordMeeting, members_of
from shared.auth import Permission, Principal
from shared.contracts.planning import EvidenceRef, MeetingKind
from shared.contracts.text import Line, Note
from shared.contracts.values import Count, Day, Month
from shared.events import Envelope
from shared.http.auth import CurrentPrincipal, named_members, named_units
from shared.http.idempotency import IdempotencyKey
from shared.http.params import UnitIdPath
from shared.ids import PersonId, UnitId, new_id
from shared.store.event_store import Idempotency

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


async def named_attendees(
    request: Request,
    principal: Principal,
    field: str,
    member_ids: list[str],
    branch_ids: Sequence[str],
    *,
    beyond: Sequence[str] = (),
) -> None:
    """The members named as present are in the token's scope or ``beyond`` (else unknown, ADR 0004)."""
    known = await handlers(request).members(member_ids)
    branch_of = {member_id: info.branch_id for member_id, info in known.items()}
    accepted = members_of(branch_ids)
    await named_members(request, principal, field, member_ids, branch_of, beyond=beyond, accepted=accepted)


async def named_in_meeting(request: Request, principal: Principal, branch_id: str, body: HoldMeeting) -> None:
    """What a meeting's body names is in the token's scope, or is part of the meeting.

    A joint meeting ("1 liên kết") brings the host's sibling branches together: a branch secretary
    names them and their members though they lie outside the branch's scope (ADR 0004).
    """
    host = await request.app.state.runtime.directory.get(branch_id)
    siblings = [host.path.rsplit(".", 1)[0]] if host is not None and "." in host.path else []
    joint = await named_units(request, principal, "joint_branch_ids", body.joint_branch_ids, beyond=siblings)
    branch_ids = [branch_id, *body.joint_branch_ids]
    meeting = [unit.path for unit in joint.values()] + ([host.path] if host is not None else [])
    await named_attendees(request, principal, "attendees", body.attendees, branch_ids, beyond=meeting)


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

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        await named_in_meeting(request, principal, branch_id, body)
        return await handlers(request).hold_meeting(cmd, actor=principal.subject, idempotency=idem)

    return await command(
        request,
        principal,
        Permission.RECORD_BRANCH_LIFE,
        branch_id,
        body,
        idempotency_key,
        execute,
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

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        branch_ids = body.attending_branch_ids
        await named_units(request, principal, "attending_branch_ids", branch_ids)
        await named_attendees(request, principal, "attendee_member_ids", body.attendee_member_ids, branch_ids)
        return await handlers(request).hold_briefing(
            briefing_id,
            unit_id,
            body.held_on,
            branch_ids,
            body.attendee_member_ids,
            actor=principal.subject,
            idempotency=idem,
        )

    return await command(
        request,
        principal,
        Permission.MANAGE_PLANS,
        unit_id,
        body,
        idempotency_key,
        execute,
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

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        await named_units(request, principal, "branch_ids", body.branch_ids)
        return await handlers(request).assign_monthly_tasks(
            unit_id,
            body.month,
            body.assigned_on,
            body.branch_ids,
            body.tasks,
            actor=principal.subject,
            idempotency=idem,
        )

    return await command(
        request,
        principal,
        Permission.MANAGE_PLANS,
        unit_id,
        body,
        idempotency_key,
        execute,
        unit_id=unit_id,
        month=body.month,
    )
