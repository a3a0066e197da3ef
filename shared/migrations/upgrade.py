"""Bringing a service's database to the head of its schema history.

One function, :func:`migrate`, serves ``chudong migrate`` and a service's start. It runs in one
write transaction of the service's database (on PostgreSQL behind an advisory lock, so replicas
starting together migrate once), so an upgrade that fails leaves the database as it was:

- a database without the service's tables (a new installation) is built at head;
- a database with the tables but no ``alembic_version`` was made by the release before migrations
  (its ``create_all``): it is stamped at the first revision, which is that release's schema, then
  upgraded; afterwards it must match the code's tables exactly, or nothing is kept;
- a database at an older revision is upgraded, unless the caller only accepts a database at head
  (a service starting without ``CHUDONG_MIGRATE_ON_START``), which refuses to start instead;
- a database at a revision this release does not know (migrated by a newer one) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from shared.migrations.history import SchemaHistory
from shared.store.database import Database

log = structlog.get_logger("migrations")


class SchemaError(Exception):
    """The database's schema is not one this release may run on; nothing was changed."""


class SchemaBehindError(SchemaError):
    """The database is at an older revision and the caller only runs on the head."""


class UnknownRevisionError(SchemaError):
    """The database is at a revision this release does not have (a newer release migrated it)."""


class SchemaMismatchError(SchemaError):
    """The database has the service's tables but no version, and they are not the previous release's."""


@dataclass(frozen=True, slots=True)
class Migration:
    """What :func:`migrate` did to one service's database."""

    service: str
    before: str | None
    """The revision the database was at; None for a database without the service's tables."""
    after: str
    unversioned: bool = False
    """The tables were the previous release's, without a version: stamped at the baseline first."""

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.unversioned

    def describe(self) -> str:
        if not self.changed:
            return f"{self.service}: at {self.after}, up to date"
        if self.unversioned and self.before == self.after:
            return f"{self.service}: previous release, recorded as {self.after}"
        origin = "empty" if self.before is None else self.before
        if self.unversioned:
            origin = f"previous release ({self.before})"
        return f"{self.service}: {origin} → {self.after}"


async def migrate(db: Database, history: SchemaHistory, *, upgrade: bool = True) -> Migration:
    """Bring ``db`` to the head of ``history``; with ``upgrade`` false, only a new database is built.

    With ``upgrade`` false, a database behind the head raises :class:`SchemaBehindError`, naming
    the command that upgrades it.
    """
    async with db.transaction() as conn:
        if not db.is_sqlite:
            # Imported here: shared.runtime imports this module when it starts a service.
            from shared.runtime.leadership import lock_key

            lock = text("SELECT pg_advisory_xact_lock(:key)")
            await conn.execute(lock, {"key": lock_key(f"migrate:{history.service}")})
        return await conn.run_sync(_to_head, history, upgrade, db.url.render_as_string())


async def migrate_on_start(db: Database, history: SchemaHistory, *, upgrade: bool) -> Migration:
    """:func:`migrate` as a service starts (``upgrade``: ``CHUDONG_MIGRATE_ON_START``), logged."""
    try:
        migration = await migrate(db, history, upgrade=upgrade)
    except SchemaError as exc:
        log.error("schema.refused", service=history.service, reason=str(exc))
        raise
    if migration.changed:
        log.info("schema.migrated", service=history.service, change=migration.describe())
    return migration


def _to_head(conn: Connection, history: SchemaHistory, upgrade: bool, url: str) -> Migration:
    script = history.script()
    head = history.head(script)
    if head is None:
        raise SchemaError(f"{history.service} has no migrations in {history.versions}")
    known = {revision.revision for revision in script.walk_revisions()}
    current = MigrationContext.configure(conn).get_current_heads()
    config = history.config(conn)
    where = f"{history.service}'s database ({url})"
    if current:
        before = ", ".join(current)
        if not set(current) <= known:
            raise UnknownRevisionError(
                f"{where} is at revision {before}, which this release does not have (its last is {head}): "
                "a newer release migrated it; run that release, or restore the backup taken before"
            )
        if current == (head,):
            return Migration(history.service, head, head)
        if not upgrade:
            raise SchemaBehindError(_behind(where, before, head, history.service))
        command.upgrade(config, "head")
        return Migration(history.service, before, head)
    present = set(history.tables()) & set(inspect(conn).get_table_names())
    if not present:
        command.upgrade(config, "head")
        return Migration(history.service, None, head)
    baseline = history.baseline(script)
    if baseline != head and not upgrade:
        raise SchemaBehindError(
            _behind(where, f"{baseline} (the previous release's tables)", head, history.service)
        )
    unlike = (
        f"{where} has tables but no schema version, and they are not those of the release before migrations"
    )
    missing = history.baseline_tables(script) - present
    if missing:
        raise SchemaMismatchError(f"{unlike}: it lacks {', '.join(sorted(missing))}; nothing was changed")
    command.stamp(config, baseline)
    try:
        command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise SchemaMismatchError(f"{unlike}: upgrading them failed ({exc}); nothing was changed") from exc
    compared = MigrationContext.configure(conn, opts={"compare_type": True})
    differences = compare_metadata(compared, history.merged())
    if differences:
        raise SchemaMismatchError(
            f"{unlike} ({len(differences)} differences, e.g. {differences[:3]}); nothing was changed"
        )
    return Migration(history.service, baseline, head, unversioned=True)


def _behind(where: str, before: str, head: str, service: str) -> str:
    return (
        f"{where} is at revision {before}, behind this release's {head}: "
        f"run `chudong migrate {service}` (after a backup), or start with CHUDONG_MIGRATE_ON_START=true"
    )
