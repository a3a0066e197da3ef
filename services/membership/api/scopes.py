"""How membership finds the unit a command or a read acts on: a member's branch, the branch their transfer
goes to, a case's unit, a person's unit; and a member the body names. Outside the token's scope each
answers as one that does not exist (ADR 0004)."""

from __future__ import annotations

from fastapi import Request

from services.membership.api.common import membership_of
from services.membership.app.erasure import person_record, unknown_person
from shared.auth import Permission, Principal
from shared.commands import Target
from shared.contracts.org import OrgUnit
from shared.errors import DomainError, ForbiddenError, NotFoundError
from shared.http.auth import authorize, named_members, require_permission, unknown_member, visible_unit
from shared.http.commands import Scope


async def held_in_scope(
    request: Request, principal: Principal, permission: Permission, unit_id: str | None, unknown: DomainError
) -> OrgUnit:
    """The unit that holds a record found by its id (``unit_id``; None when there is no such record), if the
    caller may ``permission`` on it; else ``unknown``, alike whether the record exists elsewhere or not."""
    if unit_id is None:
        raise unknown
    return await authorize(request, principal, permission, unit_id, unknown=unknown)


async def member_in_scope(
    request: Request, principal: Principal, permission: Permission, member_id: str
) -> OrgUnit:
    """The member's branch, if the caller may ``permission`` on it."""
    require_permission(principal, permission)
    member = await membership_of(request).find_member(member_id)
    branch_id = member.branch_id if member is not None else None
    return await held_in_scope(
        request, principal, permission, branch_id, unknown_member(principal, member_id)
    )


async def case_in_scope(
    request: Request, principal: Principal, permission: Permission, case_id: str
) -> OrgUnit:
    """The hardship case's unit, if the caller may ``permission`` on it."""
    require_permission(principal, permission)
    case = await membership_of(request).hardship_case(case_id)
    unknown = NotFoundError(
        f"hardship case {case_id!r} is not known",
        rule="unknown_case",
        field="case_id",
        value=case_id,
        accepted="the id of a listed case",
    )
    return await held_in_scope(request, principal, permission, case.unit_id if case else None, unknown)


async def member_branch(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    return await member_in_scope(request, principal, permission, target.id)


async def receiving_branch(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    """The branch the member's open transfer goes to: it accepts or returns them.

    The receiving side acts on a member not yet in its scope, a crossing the domain needs (ADR 0004).
    The source branch sees the member but may not act for the destination; to anyone else the member
    is unknown.
    """
    require_permission(principal, permission)
    member = await membership_of(request).find_member(target.id)
    if member is None:
        raise unknown_member(principal, target.id)
    receiving = member.transfer.to_branch_id if member.transfer else member.branch_id
    unit = await visible_unit(request, principal, receiving)
    if unit is not None:
        return unit
    if await visible_unit(request, principal, member.branch_id) is None:
        raise unknown_member(principal, target.id)
    raise ForbiddenError(
        f"only the receiving branch {receiving!r} or a unit above it accepts or returns the transfer",
        rule="receiving_branch_only",
        field="member_id",
        value=target.id,
        accepted=f"a token for {receiving!r} or a unit above it",
    )


async def case_unit(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    return await case_in_scope(request, principal, permission, target.id)


async def person_unit(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    """The unit of the member or case that holds the person's sealed fields."""
    require_permission(principal, permission)
    _, unit_id = await person_record(membership_of(request), target.id)
    return await authorize(request, principal, permission, unit_id, unknown=unknown_person(target.id))


async def named_member(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    """The branch of a member the body names (a referrer): unknown, or outside the scope, alike."""
    member = await membership_of(request).find_member(target.id)
    known = {member.member_id: member.branch_id} if member is not None else {}
    await named_members(request, principal, target.field, target.id, known)
    branch = await visible_unit(request, principal, known[target.id])
    assert branch is not None  # named_members found it within the scope
    return branch


SCOPES: dict[str, Scope] = {
    "member": member_branch,
    "receiving_member": receiving_branch,
    "case": case_unit,
    "person": person_unit,
    "named_member": named_member,
}
