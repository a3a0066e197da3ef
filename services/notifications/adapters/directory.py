"""The officer directory (danh bạ cán bộ): who holds which role at which unit, from identity's grants.

Kept from identity's ``GrantIssued`` and ``GrantRevoked`` (the ``IDENTITY`` stream); it names officers by
their account id, the subject of the tokens they sign in with. An officer identity does not know (one
who called with a development token) is served as before: by their subscriptions and contact alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.notifications.adapters.tables import metadata, officer_grants
from shared.auth import Permission, Role, permissions_of

__all__ = ["ALERTED_ROLES", "holders_at", "known_officers", "live_scopes", "metadata", "officer_grants"]

ALERTED_ROLES = tuple(r.value for r in Role if Permission.SUBSCRIBE in permissions_of(r))
"""The roles that receive alerts."""


def _live(day: date) -> ColumnElement[bool]:
    return and_(
        officer_grants.c.revoked.is_(False),
        officer_grants.c.valid_from <= day,
        or_(officer_grants.c.valid_until.is_(None), officer_grants.c.valid_until >= day),
        officer_grants.c.role.in_(ALERTED_ROLES),
    )


async def known_officers(conn: AsyncConnection, officer_ids: Iterable[str]) -> set[str]:
    """Those of ``officer_ids`` identity has ever granted a role to."""
    ids = list(set(officer_ids))
    if not ids:
        return set()
    found = await conn.execute(
        select(officer_grants.c.officer_id).where(officer_grants.c.officer_id.in_(ids))
    )
    return {str(r[0]) for r in found}


async def live_scopes(conn: AsyncConnection, officer_ids: Iterable[str], day: date) -> dict[str, list[str]]:
    """The unit paths each officer holds an alerted role at on ``day``."""
    ids = list(set(officer_ids))
    scopes: dict[str, list[str]] = {}
    if ids:
        rows = await conn.execute(
            select(officer_grants.c.officer_id, officer_grants.c.unit_path).where(
                officer_grants.c.officer_id.in_(ids), _live(day)
            )
        )
        for officer_id, path in rows:
            scopes.setdefault(str(officer_id), []).append(str(path))
    return scopes


async def holders_at(conn: AsyncConnection, unit: str, day: date) -> list[str]:
    """The officers holding an alerted role at ``unit`` on ``day``."""
    rows = await conn.execute(
        select(officer_grants.c.officer_id).where(officer_grants.c.unit_id == unit, _live(day)).distinct()
    )
    return sorted(str(r[0]) for r in rows)
