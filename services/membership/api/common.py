"""What every membership route shares: the handlers, scope checks on members, and the command answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.membership.app.handlers import MembershipHandlers
from services.membership.domain.member import Member
from shared.auth import Permission, Principal
from shared.contracts.org import OrgUnit
from shared.events import Envelope, Event
from shared.http.auth import authorize
from shared.http.bodies import RequestBody
from shared.http.idempotency import run_command
from shared.store.event_store import Idempotency


class Command(RequestBody):
    """A membership command's body: unknown fields and text that is not text are refused."""


def handlers_of(request: Request) -> MembershipHandlers:
    handlers: MembershipHandlers = request.app.state.handlers
    return handlers


def event_answer(envelopes: Sequence[Envelope], **extra: Any) -> dict[str, Any]:
    return {
        **extra,
        "events": [{"event_id": str(e.event_id), "type": e.type, "position": e.position} for e in envelopes],
    }


async def command(
    request: Request,
    body: BaseModel | None,
    idempotency_key: str | None,
    execute: Callable[[Idempotency | None], Awaitable[Sequence[Envelope]]],
    **extra: Any,
) -> JSONResponse:
    """Run a command once per ``Idempotency-Key``; answer with its events and ``extra``."""
    return await run_command(
        request,
        request.app.state.runtime.store,
        idempotency_key,
        body,
        execute,
        lambda envs: event_answer(envs, **extra),
    )


async def member_in_scope(
    request: Request, principal: Principal, permission: Permission, member_id: str
) -> tuple[Member, OrgUnit]:
    """The member, if the caller may ``permission`` on their branch."""
    member = await handlers_of(request).member(member_id)
    branch = await authorize(request, principal, permission, member.branch_id)
    return member, branch


def today(request: Request) -> date:
    return handlers_of(request).today()


async def member_command(
    request: Request,
    principal: Principal,
    member_id: str,
    body: BaseModel,
    idempotency_key: str | None,
    decide: Callable[[Member], Event],
    *,
    on: date | None = None,
    permission: Permission = Permission.MANAGE_MEMBERS,
    scope: Callable[[Member], str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """Check the caller may act on the member's branch (or ``scope``), decide, append."""
    handlers = handlers_of(request)
    member = await handlers.member(member_id)
    await authorize(request, principal, permission, scope(member) if scope else member.branch_id)

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        return await handlers.member_event(
            member, decide(member), actor=principal.subject, idempotency=idem, on=on
        )

    return await command(request, body, idempotency_key, execute, member_id=member_id, **extra)


def destination(member: Member) -> str:
    """A transfer is accepted or returned by the branch it goes to."""
    return member.transfer.to_branch_id if member.transfer else member.branch_id
