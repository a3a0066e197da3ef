"""How planning finds the unit a command acts on: a plan's unit, or an activity's, project's, proposal's
or agreement's. One outside the token's scope answers as one not recorded (ADR 0004)."""

from __future__ import annotations

from fastapi import Request

from services.planning.api.common import planning_of
from services.planning.app.handlers import unknown_plan, unknown_record
from services.planning.domain.streams import RECORD_KINDS
from shared.auth import Permission, Principal
from shared.commands import Target
from shared.http.auth import authorize
from shared.http.commands import Scope
from shared.orgtree import OrgUnit


async def plan_unit(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    plan = await planning_of(request).plan(target.id)
    return await authorize(request, principal, permission, plan.unit_id, unknown=unknown_plan(target.id))


async def record_unit(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    record = await planning_of(request).record_state(target.kind, target.id)
    unknown = unknown_record(target.kind, target.id)
    return await authorize(request, principal, permission, record.unit_id, unknown=unknown)


SCOPES: dict[str, Scope] = {"plan": plan_unit, **dict.fromkeys(RECORD_KINDS, record_unit)}
