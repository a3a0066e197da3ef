"""FastAPI dependencies for bearer tokens and unit scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.auth import Permission, Principal, TokenError, decode_token
from shared.errors import DomainError, ForbiddenError, NotFoundError
from shared.ids import path_contains
from shared.orgtree import OrgUnit, UnitDirectory

_bearer = HTTPBearer(auto_error=False, description="A chudong token: `chudong token --role ROLE --unit UNIT`")


class UnauthenticatedError(DomainError):
    status_code = 401


async def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The caller, from the ``Authorization: Bearer`` header; 401 without a valid token."""
    if credentials is None:
        raise UnauthenticatedError(
            "a bearer token is required",
            rule="unauthenticated",
            field="Authorization",
            value=None,
            accepted="Authorization: Bearer <token>",
        )
    runtime = request.app.state.runtime
    try:
        principal = decode_token(
            credentials.credentials, runtime.jwt_secret, issuer=runtime.common.token_issuer
        )
    except TokenError as exc:
        raise UnauthenticatedError(
            str(exc),
            rule="unauthenticated",
            field="Authorization",
            value="Bearer …",
            accepted="a token signed by this chudong installation",
        ) from exc
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def authorize(request: Request, principal: Principal, permission: Permission, unit_id: str) -> OrgUnit:
    """Check that ``principal`` may ``permission`` on ``unit_id``: its role allows it and the unit is in scope.

    Returns the unit. 404 if the unit is unknown, 403 if the role or the scope forbids.
    """
    if not principal.can(permission):
        raise ForbiddenError(
            f"the role {principal.role.value} may not {permission.value.replace('_', ' ')}",
            rule="forbidden_role",
            field="role",
            value=principal.role.value,
        )
    directory: UnitDirectory = request.app.state.runtime.directory
    unit = await directory.get(unit_id)
    if unit is None:
        raise NotFoundError(
            f"unit {unit_id!r} is not known",
            rule="unknown_unit",
            field="unit_id",
            value=unit_id,
            accepted="the id of a registered unit",
        )
    scope = await directory.path_of(principal.unit_id)
    if scope is None or not path_contains(scope, unit.path):
        raise ForbiddenError(
            f"unit {unit_id!r} is outside the scope of your token (unit {principal.unit_id!r} and below)",
            rule="out_of_scope",
            field="unit_id",
            value=unit_id,
            accepted=f"unit {principal.unit_id!r} or a unit below it",
        )
    return unit


async def scope_path(request: Request, principal: Principal) -> str:
    """The path of the caller's unit: everything they may see starts with it."""
    directory: UnitDirectory = request.app.state.runtime.directory
    path = await directory.path_of(principal.unit_id)
    if path is None:
        raise ForbiddenError(
            f"your unit {principal.unit_id!r} is not known to this service",
            rule="out_of_scope",
            field="unit",
            value=principal.unit_id,
        )
    return path
