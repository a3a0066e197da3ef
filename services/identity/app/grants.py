"""Grants: issued and revoked by an admin of a unit above (the checks of who may are the API's)."""

from __future__ import annotations

from collections.abc import Sequence

from services.identity.app.base import Identity
from services.identity.domain import commands as cmds
from services.identity.domain.account import require_open
from services.identity.domain.grants import check_dates, require_not_revoked, unknown_grant
from services.identity.domain.streams import grant_stream
from shared.clock import utcnow
from shared.commands import Context
from shared.contracts import identity as ev
from shared.events import Envelope, NewEvent
from shared.ids import new_id


class GrantHandlers:
    def __init__(self, identity: Identity) -> None:
        self.identity = identity

    async def issue(self, cmd: cmds.IssueGrant, ctx: Context) -> Sequence[Envelope]:
        require_open(await self.identity.account(cmd.account_id), cmd.account_id)
        check_dates(cmd.valid_from, cmd.valid_until)
        unit = ctx.the_unit()
        grant_id = new_id("g")
        ctx.named["grant_id"] = grant_id
        issued = ev.GrantIssued(
            grant_id=grant_id,
            account_id=cmd.account_id,
            role=cmd.role,
            unit_id=unit.unit_id,
            valid_from=cmd.valid_from,
            valid_until=cmd.valid_until,
        )
        return await self.identity.append(
            NewEvent(grant_stream(grant_id), issued, unit.path, utcnow()), ctx, 0
        )

    async def revoke(self, cmd: cmds.RevokeGrant, ctx: Context) -> Sequence[Envelope]:
        grant = await self.identity.grant(cmd.grant_id)
        if grant is None:
            raise unknown_grant(cmd.grant_id)
        require_not_revoked(grant)
        revoked = ev.GrantRevoked(grant_id=grant.grant_id, account_id=grant.account_id, reason=cmd.reason)
        new = NewEvent(grant_stream(grant.grant_id), revoked, ctx.the_unit().path, utcnow())
        return await self.identity.append(new, ctx, 1)
