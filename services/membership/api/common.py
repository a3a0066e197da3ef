"""What every membership route shares: the handlers, scope checks on members, and the command answer."""

from __future__ import annotations

import inspect
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
from shared.errors import ForbiddenError
from shared.events import Envelope, Event
from shared.http.auth import authorize, require_permission, unknown_member, visible_unit
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
    """The member, if the caller may ``permission`` on their branch.

    A member outside the token's scope answers as one who does not exist (ADR 0004).
    """
    require_permission(principal, permission)
    member = await handlers_of(request).find_member(member_id)
    unknown = unknown_member(principal, member_id)
    if member is None:
        raise unknown
    branch = await authorize(request, principal, permission, member.branch_id, unknown=unknown)
    return member, branch


async def received_member(request: Request, principal: Principal, member_id: str) -> Member:
    """The member, for the branch their open transfer goes to: it accepts or returns them.

    The receiving side acts on a member not yet in its scope, a crossing the domain needs (ADR 0004).
    The source branch sees the member but may not act for the destination; to anyone else the member
    is unknown.
    """
    require_permission(principal, Permission.MANAGE_MEMBERS)
    member = await handlers_of(request).find_member(member_id)
    if member is None:
        raise unknown_member(principal, member_id)
    receiving = member.transfer.to_branch_id if member.transfer else member.branch_id
    if await visible_unit(request, principal, receiving) is not None:
        return member
    if await visible_unit(request, principal, member.branch_id) is None:
        raise unknown_member(principal, member_id)
    raise ForbiddenError(
        f"only the receiving branch {receiving!r} or a unit above it accepts or returns the transfer",
        rule="receiving_branch_only",
        field="member_id",
        value=member_id,
        accepted=f"a token for {receiving!r} or a unit above it",
    )


def today(request: Request) -> date:
    return handlers_of(request).today()


async def member_command(
    request: Request,
    principal: Principal,
    member_id: str,
    body: BaseModel,
    idempotency_key: str | None,
    decide: Callable[[Member], Event | Awaitable[Event]],
    *,
    on: date | None = None,
    permission: Permission = Permission.MANAGE_MEMBERS,
    receiving: bool = False,
    **extra: Any,
) -> JSONResponse:
    """Check the caller may act on the member's branch (``receiving``: the branch a transfer goes to),
    decide, append."""
    handlers = handlers_of(request)
    if receiving:
        member = await received_member(request, principal, member_id)
    else:
        member, _ = await member_in_scope(request, principal, permission, member_id)

    async def execute(idem: Idempotency | None) -> Sequence[Envelope]:
        decided = decide(member)
        event = await decided if inspect.isawaitable(decided) else decided
        return await handlers.member_event(member, event, actor=principal.subject, idempotency=idem, on=on)

    return await command(request, body, idempotency_key, execute, member_id=member_id, **extra)
