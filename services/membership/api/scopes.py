"""How membership finds the unit a command acts on: a member's branch, or where their transfer goes."""

from __future__ import annotations

from fastapi import Request

from services.membership.api.common import member_in_scope, received_member
from shared.auth import Permission, Principal
from shared.commands import Target
from shared.http.commands import Scope
from shared.orgtree import OrgUnit


async def member_branch(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    _, branch = await member_in_scope(request, principal, permission, target.id)
    return branch


async def receiving_branch(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    member = await received_member(request, principal, target.id)
    branch_id = member.transfer.to_branch_id if member.transfer else member.branch_id
    unit: OrgUnit | None = await request.app.state.runtime.directory.get(branch_id)
    assert unit is not None
    return unit


SCOPES: dict[str, Scope] = {"member": member_branch, "receiving_member": receiving_branch}
