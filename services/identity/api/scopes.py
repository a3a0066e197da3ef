"""How identity finds the unit a command acts on: an account's unit, a grant's unit."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import Select, select

from services.identity.adapters.tables import accounts, grants
from services.identity.domain.account import unknown_account
from services.identity.domain.grants import unknown_grant
from shared.auth import Permission, Principal
from shared.commands import Target
from shared.errors import NotFoundError
from shared.http.auth import authorize
from shared.http.commands import Scope
from shared.orgtree import OrgUnit


async def _unit_of(request: Request, query: Select[tuple[str]]) -> str | None:
    async with request.app.state.runtime.db.read() as conn:
        value: str | None = (await conn.execute(query)).scalar_one_or_none()
    return value


async def account_scope(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    """The account's unit, if within the token's scope; else 404 ``unknown_account``, alike for none."""
    unit_id = await _unit_of(request, select(accounts.c.unit_id).where(accounts.c.account_id == target.id))
    return await _within(request, principal, permission, unit_id, unknown_account(target.id))


async def grant_scope(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    """The grant's unit, if within the token's scope; else 404 ``unknown_grant``, alike for none."""
    unit_id = await _unit_of(request, select(grants.c.unit_id).where(grants.c.grant_id == target.id))
    return await _within(request, principal, permission, unit_id, unknown_grant(target.id))


async def _within(
    request: Request,
    principal: Principal,
    permission: Permission,
    unit_id: str | None,
    unknown: NotFoundError,
) -> OrgUnit:
    if unit_id is None:
        raise unknown
    return await authorize(request, principal, permission, unit_id, unknown=unknown)


SCOPES: dict[str, Scope] = {"account": account_scope, "grant": grant_scope}
