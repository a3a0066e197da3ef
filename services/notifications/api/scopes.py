"""How notifications finds the unit a command acts on: the unit a caller's own subscription follows."""

from __future__ import annotations

from fastapi import Request

from services.notifications.api.common import subscriptions_of
from shared.auth import Permission, Principal
from shared.commands import Target
from shared.http.admin import require_central_admin
from shared.http.commands import Scope
from shared.orgtree import OrgUnit


async def own_subscription(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    """The unit of the caller's active subscription; another's, or none, is 404 ``unknown_subscription``."""
    subscription = await subscriptions_of(request).active(principal.subject, target.id)
    unit: OrgUnit | None = await request.app.state.runtime.directory.get(subscription.unit_id)
    assert unit is not None  # a subscription's unit was known when it was made, and units are never removed
    return unit


async def mail_server(
    request: Request, principal: Principal, permission: Permission, target: Target
) -> OrgUnit:
    """The whole service's mail server: the central admin's alone (the root of the tree)."""
    await require_central_admin(request, principal)
    unit: OrgUnit | None = await request.app.state.runtime.directory.get(principal.unit_id)
    assert unit is not None  # the central admin's unit is known: require_central_admin found it
    return unit


SCOPES: dict[str, Scope] = {"subscription": own_subscription, "mail_server": mail_server}
