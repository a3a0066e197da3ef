"""Transfers between branches over HTTP (chuyển sinh hoạt đoàn): requested, released, accepted or returned.

The receiving branch accepts or returns a member it cannot read yet (see ``receiving_member`` in scopes).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field

from services.membership.api.common import Command
from services.membership.domain import commands as cmds
from shared.contracts.text import Note
from shared.contracts.values import Day
from shared.http.commands import Commands
from shared.http.params import PersonIdPath
from shared.ids import PERSON_ID_PATTERN, UnitId

router = APIRouter(tags=["transfers"])


class TransferRequest(Command):
    to_branch_id: UnitId
    requested_on: Day
    transfer_id: str | None = Field(default=None, pattern=PERSON_ID_PATTERN)


class ReleaseRequest(Command):
    released_on: Day


class AcceptRequest(Command):
    accepted_on: Day


class ReturnRequest(Command):
    returned_on: Day
    reason: Note = Field(min_length=1, max_length=500)


@router.post(
    "/members/{member_id}/transfers", status_code=201, summary="Request a transfer (chuyển sinh hoạt)"
)
async def request_transfer(member_id: PersonIdPath, body: TransferRequest, run: Commands) -> JSONResponse:
    return await run(cmds.RequestTransfer(member_id=member_id, **body.model_dump()), member_id=member_id)


@router.post(
    "/members/{member_id}/transfers/{transfer_id}/release",
    status_code=201,
    summary="The source branch releases",
)
async def release_transfer(
    member_id: PersonIdPath, transfer_id: str, body: ReleaseRequest, run: Commands
) -> JSONResponse:
    command = cmds.ReleaseTransfer(member_id=member_id, transfer_id=transfer_id, released_on=body.released_on)
    return await run(command, member_id=member_id)


@router.post(
    "/members/{member_id}/transfers/{transfer_id}/accept", status_code=201, summary="The destination accepts"
)
async def accept_transfer(
    member_id: PersonIdPath, transfer_id: str, body: AcceptRequest, run: Commands
) -> JSONResponse:
    command = cmds.AcceptTransfer(member_id=member_id, transfer_id=transfer_id, accepted_on=body.accepted_on)
    return await run(command, member_id=member_id)


@router.post(
    "/members/{member_id}/transfers/{transfer_id}/return", status_code=201, summary="The destination refuses"
)
async def return_transfer(
    member_id: PersonIdPath, transfer_id: str, body: ReturnRequest, run: Commands
) -> JSONResponse:
    command = cmds.ReturnTransfer(
        member_id=member_id, transfer_id=transfer_id, returned_on=body.returned_on, reason=body.reason
    )
    return await run(command, member_id=member_id)
