"""A service's schema history: its tables in the code and the Alembic revisions that build them.

chudong drives Alembic from code, without an ``alembic.ini``: the configuration is built here,
with this package as the script location (its ``env.py`` and revision template, shared by every
service) and the service's own ``versions`` directory as the only version location. Each service
has its own database, so each history is kept in that database's ``alembic_version`` table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, inspect
from sqlalchemy.engine import Connection

from shared.orgtree.projection import metadata as org_tree_metadata
from shared.store.schema import consumer_metadata
from shared.store.schema import metadata as store_metadata

ENVIRONMENT = Path(__file__).resolve().parent
"""Alembic's script location: ``env.py`` and ``script.py.mako``, the same for every service."""

COMMON: tuple[MetaData, ...] = (store_metadata, consumer_metadata, org_tree_metadata)
"""Tables in every service's database: the event store, the consumers' checkpoints, the org tree copy."""


class HistoryError(Exception):
    """A service's revisions do not form one line (two heads, or none)."""


@dataclass(frozen=True, slots=True)
class SchemaHistory:
    """The tables of one service (``metadatas``) and the revisions that build them (``versions``)."""

    service: str
    versions: Path
    metadatas: tuple[MetaData, ...]

    @classmethod
    def of(cls, service: str, versions: Path, *own: MetaData) -> SchemaHistory:
        """The history of ``service``: the tables every service has, and its ``own``."""
        unique: list[MetaData] = []
        for metadata in (*COMMON, *own):
            if not any(metadata is seen for seen in unique):
                unique.append(metadata)
        return cls(service, versions, tuple(unique))

    def tables(self) -> Iterator[str]:
        for metadata in self.metadatas:
            yield from metadata.tables

    def merged(self) -> MetaData:
        """Every table of the service in one MetaData (what Alembic's comparison takes)."""
        merged = MetaData()
        for metadata in self.metadatas:
            for table in metadata.tables.values():
                table.to_metadata(merged)
        return merged

    def config(self, connection: Connection | None = None) -> Config:
        """Alembic's configuration of this history; ``connection``: the one its commands run on."""
        config = Config()
        config.set_main_option("script_location", _escaped(ENVIRONMENT))
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", _escaped(self.versions))
        # v0001_previous_release.py: a module name that mypy and ruff accept.
        config.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
        config.attributes["history"] = self
        if connection is not None:
            config.attributes["connection"] = connection
        return config

    def script(self) -> ScriptDirectory:
        return ScriptDirectory.from_config(self.config())

    def head(self, script: ScriptDirectory | None = None) -> str | None:
        """The last revision; None before the first is written."""
        heads = (script or self.script()).get_heads()
        if len(heads) > 1:
            raise HistoryError(
                f"{self.service}'s migrations have {len(heads)} heads ({', '.join(sorted(heads))}): "
                "revisions written on two branches; give the later one the other as its down_revision"
            )
        return heads[0] if heads else None

    def baseline(self, script: ScriptDirectory | None = None) -> str:
        """The first revision: the schema of the release before migrations (its ``create_all``)."""
        bases = (script or self.script()).get_bases()
        if len(bases) != 1:
            raise HistoryError(
                f"{self.service}'s migrations in {self.versions} have {len(bases)} first revisions, not one"
            )
        return bases[0]

    def baseline_tables(self, script: ScriptDirectory | None = None) -> set[str]:
        """The tables the first revision creates (built in a scratch in-memory SQLite database)."""
        engine = create_engine("sqlite://")
        try:
            with engine.begin() as conn:
                command.upgrade(self.config(conn), self.baseline(script))
                return set(inspect(conn).get_table_names()) - {"alembic_version"}
        finally:
            engine.dispose()

    def next_revision_id(self, script: ScriptDirectory | None = None) -> str:
        """Revisions are numbered 0001, 0002, …: their order reads from their names."""
        head = self.head(script)
        return f"{int(head) + 1:04d}" if head is not None else "0001"


def _escaped(path: Path) -> str:
    """``path`` as a configuration value (configparser reads ``%`` as interpolation)."""
    return str(path).replace("%", "%%")
