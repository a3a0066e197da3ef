"""How notifications finds the unit a command acts on: the unit a caller's own subscription follows."""

from __future__ import annotations

from fastapi import Request

from services.notifications.api.common import subscriptions_of
from shared.auth import Permission, Principal
from shared.commands import Target
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


SCOPES: dict[str, Scope] = {"subscription": own_subscription}
