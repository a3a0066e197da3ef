"""Two checks every admin's act on identity passes, beyond the role and the scope of the token.

- The token still stands: identity knows its own sessions and grants, so a revoked grant or a
  signed-out session stops acting here at once (elsewhere, within the access token's life).
- The act is at a unit strictly below the admin's (never their own level); only the operator (a token
  minted with the installation's key) acts at the root.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.identity.app.sessions import Sessions, session_ended
from services.identity.domain.grants import check_granter
from shared.auth import Principal
from shared.http.auth import CurrentPrincipal, UnauthenticatedError
from shared.http.commands import Vet
from shared.orgtree import OrgUnit


def sessions_of(request: Request) -> Sessions:
    found: Sessions = request.app.state.sessions
    return found


async def live_principal(request: Request, principal: CurrentPrincipal) -> Principal:
    """The caller, if the session and grant their token came from still stand; 401 otherwise."""
    if not await sessions_of(request).is_live(principal):
        ended = session_ended()
        raise UnauthenticatedError(
            ended.message, rule=ended.rule, field="Authorization", value="Bearer …", accepted=ended.accepted
        )
    return principal


LivePrincipal = Annotated[Principal, Depends(live_principal)]


def from_above(request: Request, principal: Principal) -> Vet:
    """The check that the unit acted on lies strictly below the admin's own."""

    async def vet(unit: OrgUnit) -> None:
        acting = await request.app.state.runtime.directory.path_of(principal.unit_id)
        check_granter(principal.unit_id, acting, unit.unit_id, unit.path, operator=not principal.session_id)

    return vet
