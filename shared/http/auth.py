"""FastAPI dependencies for bearer tokens, and the unit scope every request is held to (ADR 0004).

A token acts on its unit and the units below it. Whatever a request names (a unit or a member, in the
path or in the body, or a record by its id) is looked up within that scope only. Outside it, the
answer is the one for an id that does not exist, so a token cannot learn what lies beyond its subtree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.auth import Permission, Principal, Role, TokenError, decode_token, permissions_of
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


def require_permission(principal: Principal, permission: Permission) -> None:
    """403 when the token's role does not allow ``permission``.

    The answer depends on the token alone, so a route checks it before it looks anything up: a
    refusal must not tell an id that exists elsewhere from one that does not exist.
    """
    if not principal.can(permission):
        raise ForbiddenError(
            f"the role {principal.role.value} may not {permission.value.replace('_', ' ')}",
            rule="forbidden_role",
            field="role",
            value=principal.role.value,
            accepted=", ".join(r.value for r in Role if permission in permissions_of(r)),
        )


def unknown_unit(principal: Principal, unit_id: str, field: str = "unit_id") -> NotFoundError:
    """The one answer for a unit that does not exist and for a unit outside the token's scope."""
    return NotFoundError(
        f"unit {unit_id!r} is not known within the scope of your token",
        rule="unknown_unit",
        field=field,
        value=unit_id,
        accepted=f"the id of a registered unit at or below your unit {principal.unit_id!r}",
    )


def unknown_member(
    principal: Principal, member_id: str, field: str = "member_id", accepted: str | None = None
) -> NotFoundError:
    """The one answer for a member who does not exist and for a member outside the token's scope."""
    return NotFoundError(
        f"member {member_id!r} is not known within the scope of your token",
        rule="unknown_member",
        field=field,
        value=member_id,
        accepted=accepted or f"the id of a member of a unit at or below your unit {principal.unit_id!r}",
    )


@dataclass(frozen=True, slots=True)
class Reach:
    """The subtrees a request may name: the token's own, and any its domain opens beside it."""

    paths: tuple[str, ...]

    def covers(self, path: str | None) -> bool:
        return path is not None and any(path_contains(scope, path) for scope in self.paths)


def _directory(request: Request) -> UnitDirectory:
    directory: UnitDirectory = request.app.state.runtime.directory
    return directory


async def reach_of(request: Request, principal: Principal, *, beyond: Iterable[str] = ()) -> Reach:
    """The token's scope, widened by ``beyond``: paths of subtrees the domain lets this request name."""
    scope = await _directory(request).path_of(principal.unit_id)
    return Reach(tuple(path for path in (scope, *beyond) if path))


async def visible_unit(
    request: Request, principal: Principal, unit_id: str, *, beyond: Iterable[str] = ()
) -> OrgUnit | None:
    """The unit, if it exists within the token's scope (or ``beyond``); None otherwise, whichever it is."""
    unit = await _directory(request).get(unit_id)
    if unit is None or not (await reach_of(request, principal, beyond=beyond)).covers(unit.path):
        return None
    return unit


async def authorize(
    request: Request,
    principal: Principal,
    permission: Permission,
    unit_id: str,
    *,
    field: str = "unit_id",
    unknown: DomainError | None = None,
) -> OrgUnit:
    """Check that ``principal`` may ``permission`` on ``unit_id``: its role allows it and the unit is in scope.

    Returns the unit. 403 if the role forbids. If the unit does not exist or lies outside the scope,
    the same 404 for both: ``unknown`` (a record found by its id answers as an unknown record) or
    ``unknown_unit`` naming ``field``.
    """
    require_permission(principal, permission)
    unit = await visible_unit(request, principal, unit_id)
    if unit is None:
        raise unknown or unknown_unit(principal, unit_id, field)
    return unit


def _fields(field: str, named: str | Sequence[str]) -> list[tuple[str, str]]:
    """(field, id) for one id, or ``field[i]`` for each id of a list."""
    if isinstance(named, str):
        return [(field, named)]
    return [(f"{field}[{index}]", value) for index, value in enumerate(named)]


async def named_units(
    request: Request,
    principal: Principal,
    field: str,
    named: str | Sequence[str],
    *,
    beyond: Iterable[str] = (),
) -> dict[str, OrgUnit]:
    """The units a request body names in ``field`` (one id, or a list), each within the token's scope or
    ``beyond``; else 404 ``unknown_unit`` naming the first one, alike whether it exists elsewhere or not."""
    directory = _directory(request)
    reach = await reach_of(request, principal, beyond=beyond)
    found: dict[str, OrgUnit] = {}
    for where, unit_id in _fields(field, named):
        unit = found.get(unit_id) or await directory.get(unit_id)
        if unit is None or not reach.covers(unit.path):
            raise unknown_unit(principal, unit_id, where)
        found[unit_id] = unit
    return found


async def named_members(
    request: Request,
    principal: Principal,
    field: str,
    named: str | Sequence[str],
    branch_of: Mapping[str, str],
    *,
    beyond: Iterable[str] = (),
    accepted: str | None = None,
) -> None:
    """Check the members a request body names in ``field`` (one id, or a list).

    ``branch_of`` maps each member the service knows to their branch (from its own copy). A member it
    does not know, or whose branch is outside the token's scope and ``beyond``, gets the same 404
    ``unknown_member``: a body cannot tell where a member outside the scope is, or that they exist.
    """
    directory = _directory(request)
    reach = await reach_of(request, principal, beyond=beyond)
    paths: dict[str, str | None] = {}
    for where, member_id in _fields(field, named):
        branch_id = branch_of.get(member_id)
        if branch_id is not None and branch_id not in paths:
            paths[branch_id] = await directory.path_of(branch_id)
        if branch_id is None or not reach.covers(paths[branch_id]):
            raise unknown_member(principal, member_id, where, accepted)


async def scope_path(request: Request, principal: Principal) -> str:
    """The path of the caller's unit: everything they may see starts with it."""
    path = await _directory(request).path_of(principal.unit_id)
    if path is None:
        raise ForbiddenError(
            f"your unit {principal.unit_id!r} is not known to this service",
            rule="out_of_scope",
            field="unit",
            value=principal.unit_id,
        )
    return path
