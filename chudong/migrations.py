"""Every service's schema history, and bringing their databases to this release's schema.

Used by ``chudong migrate`` and by ``chudong run`` before it starts the services. A service's
database is the one the service itself reads: ``<SERVICE>_DATABASE_URL``, else SQLite in the
data directory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping

from chudong.context import service_database_url
from services.dashboard.migrations import SCHEMA as DASHBOARD
from services.evaluation.migrations import SCHEMA as EVALUATION
from services.identity.migrations import SCHEMA as IDENTITY
from services.membership.migrations import SCHEMA as MEMBERSHIP
from services.notifications.migrations import SCHEMA as NOTIFICATIONS
from services.planning.migrations import SCHEMA as PLANNING
from shared.migrations import Migration, SchemaError, SchemaHistory, migrate
from shared.settings import CommonSettings
from shared.store import Database

SCHEMAS: dict[str, SchemaHistory] = {
    s.service: s for s in (MEMBERSHIP, PLANNING, EVALUATION, NOTIFICATIONS, IDENTITY, DASHBOARD)
}


def database_url(service: str, common: CommonSettings, env: Mapping[str, str] | None = None) -> str:
    """``service``'s database: ``env``'s ``<SERVICE>_DATABASE_URL`` (as ``chudong run`` passes it), else its settings'."""
    given = (env or {}).get(f"{service.upper()}_DATABASE_URL")
    return given or service_database_url(common, service)


async def migrate_database(url: str, history: SchemaHistory) -> Migration:
    db = Database(url, pool_size=1)
    try:
        return await migrate(db, history)
    finally:
        await db.dispose()


def migrate_databases(
    common: CommonSettings,
    env: Mapping[str, Mapping[str, str]] | None = None,
    *,
    services: Iterable[str] = tuple(SCHEMAS),
    report: Callable[[Migration], None] | None = None,
) -> list[Migration]:
    """Bring each service's database to its head, in turn; ``env``: variables per service.

    A database that cannot be migrated stops the run with its reason (``SystemExit``); those
    migrated before it stay so, and the one that failed is as it was.
    """
    done: list[Migration] = []
    for service in services:
        url = database_url(service, common, (env or {}).get(service))
        try:
            migration = asyncio.run(migrate_database(url, SCHEMAS[service]))
        except SchemaError as exc:
            raise SystemExit(str(exc)) from exc
        done.append(migration)
        if report is not None:
            report(migration)
    return done
