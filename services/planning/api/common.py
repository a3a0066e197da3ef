"""What every planning route shares: the handlers, running a command once, answering with its events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.planning.app.base import unknown_record
from services.planning.app.handlers import PlanningHandlers
from services.planning.app.plans import unknown_plan
from services.planning.domain.plans import Plan
from services.planning.domain.records import Record
from shared.auth import Permission, Principal
from shared.contracts.org import OrgUnit
from shared.errors import DomainError
from shared.events import Envelope, Event
from shared.http.auth import authorize, require_permission
from shared.http.bodies import RequestBody
from shared.http.idempotency import run_command
from shared.store.event_store import Idempotency


class Body(RequestBody):
    """A planning command's body: unknown fields and text that is not text are refused."""


def handlers(request: Request) -> PlanningHandlers:
    found: PlanningHandlers = request.app.state.handlers
    return found


def event_answer(envelopes: Sequence[Envelope], **extra: Any) -> dict[str, Any]:
    return {
        **extra,
        "events": [{"event_id": str(e.event_id), "type": e.type, "position": e.position} for e in envelopes],
    }


async def command(
    request: Request,
    principal: Principal,
    permission: Permission,
    unit_id: str,
    body: BaseModel | None,
    idempotency_key: str | None,
    execute: Callable[[Idempotency | None], Awaitable[Sequence[Envelope]]],
    /,
    *,
    status_code: int = 201,
    unknown: DomainError | None = None,
    **answer: Any,
) -> JSONResponse:
    """Authorise on ``unit_id``, then run the command once per ``Idempotency-Key``.

    ``unknown``: the answer when the unit is out of scope, for a command on a record found by its id.
    """
    await authorize(request, principal, permission, unit_id, unknown=unknown)
    return await run_command(
        request,
        request.app.state.runtime.store,
        idempotency_key,
        body,
        execute,
        lambda envs: event_answer(envs, **answer),
        status_code=status_code,
    )


async def readable(request: Request, principal: Principal, unit_id: str) -> OrgUnit:
    return await authorize(request, principal, Permission.READ, unit_id)


async def plan_in_scope(request: Request, principal: Principal, permission: Permission, plan_id: str) -> Plan:
    """The plan, if the caller may ``permission`` on its unit; one out of scope answers as unknown."""
    require_permission(principal, permission)
    plan = await handlers(request).plan(plan_id)
    await authorize(request, principal, permission, plan.unit_id, unknown=unknown_plan(plan_id))
    return plan


async def record_in_scope(request: Request, principal: Principal, kind: str, record_id: str) -> Record:
    """The activity, project, proposal or agreement, if the caller manages plans on its unit; one out of
    scope answers as unknown."""
    require_permission(principal, Permission.MANAGE_PLANS)
    record = await handlers(request).record_state(kind, record_id)
    await authorize(
        request, principal, Permission.MANAGE_PLANS, record.unit_id, unknown=unknown_record(kind, record_id)
    )
    return record


async def record_fact(
    request: Request,
    principal: Principal,
    unit_id: str,
    body: BaseModel,
    idempotency_key: str | None,
    *,
    stream_id: str,
    event: Event,
    day: date,
    what: str,
    field: str,
    value: object,
    **answer: Any,
) -> JSONResponse:
    """A fact recorded once under its id or period (a report, a review, a dialogue…)."""
    return await command(
        request,
        principal,
        Permission.MANAGE_PLANS,
        unit_id,
        body,
        idempotency_key,
        lambda idem: handlers(request).record_fact(
            stream_id,
            event,
            unit_id,
            day,
            what=what,
            field=field,
            value=value,
            actor=principal.subject,
            idempotency=idem,
        ),
        **answer,
    )


async def closing(
    request: Request,
    principal: Principal,
    kind: str,
    record_id: str,
    body: BaseModel,
    idempotency_key: str | None,
    execute: Callable[[Record, Idempotency | None], Awaitable[Sequence[Envelope]]],
) -> JSONResponse:
    """A command on an activity, project, proposal or agreement: found in the caller's scope first."""
    record = await record_in_scope(request, principal, kind, record_id)
    answer: dict[str, Any] = {f"{kind}_id": record_id}
    return await command(
        request,
        principal,
        Permission.MANAGE_PLANS,
        record.unit_id,
        body,
        idempotency_key,
        lambda idem: execute(record, idem),
        **answer,
    )
