"""Transfers between branches over HTTP (chuyển sinh hoạt đoàn): requested, released, accepted or returned."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.membership.api.common import Command, handlers_of, member_command
from services.membership.domain import lifecycle
from shared.contracts.text import Note
from shared.contracts.values import Day
from shared.http.auth import CurrentPrincipal
from shared.http.idempotency import IdempotencyKey
from shared.http.params import PersonIdPath
from shared.ids import PERSON_ID_PATTERN, UnitId, new_id

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


Principal_ = CurrentPrincipal
Key = IdempotencyKey


@router.post(
    "/members/{member_id}/transfers", status_code=201, summary="Request a transfer (chuyển sinh hoạt)"
)
async def request_transfer(
    request: Request,
    member_id: PersonIdPath,
    body: TransferRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    handlers = handlers_of(request)
    # The destination may lie outside the token's scope (a transfer into another district): it is
    # named, not read, and the answer tells only whether it is an active branch (ADR 0004).
    to_branch = await handlers.directory.get(body.to_branch_id)
    transfer_id = body.transfer_id or new_id("t")
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: lifecycle.request_transfer(
            m,
            transfer_id=transfer_id,
            to_branch=to_branch,
            to_branch_id=body.to_branch_id,
            on=body.requested_on,
            today=handlers.today(),
        ),
        on=body.requested_on,
        transfer_id=transfer_id,
    )


@router.post(
    "/members/{member_id}/transfers/{transfer_id}/release",
    status_code=201,
    summary="The source branch releases",
)
async def release_transfer(
    request: Request,
    member_id: PersonIdPath,
    transfer_id: str,
    body: ReleaseRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    today = handlers_of(request).today()
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: lifecycle.release_transfer(m, transfer_id=transfer_id, on=body.released_on, today=today),
        on=body.released_on,
    )


@router.post(
    "/members/{member_id}/transfers/{transfer_id}/accept", status_code=201, summary="The destination accepts"
)
async def accept_transfer(
    request: Request,
    member_id: PersonIdPath,
    transfer_id: str,
    body: AcceptRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    today = handlers_of(request).today()
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: lifecycle.accept_transfer(m, transfer_id=transfer_id, on=body.accepted_on, today=today),
        on=body.accepted_on,
        receiving=True,
    )


@router.post(
    "/members/{member_id}/transfers/{transfer_id}/return", status_code=201, summary="The destination refuses"
)
async def return_transfer(
    request: Request,
    member_id: PersonIdPath,
    transfer_id: str,
    body: ReturnRequest,
    principal: Principal_,
    idempotency_key: Key = None,
) -> JSONResponse:
    today = handlers_of(request).today()
    return await member_command(
        request,
        principal,
        member_id,
        body,
        idempotency_key,
        lambda m: lifecycle.return_transfer(
            m, transfer_id=transfer_id, on=body.returned_on, reason=body.reason, today=today
        ),
        on=body.returned_on,
        receiving=True,
    )
