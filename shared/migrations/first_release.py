"""The schema of the release before migrations, which revision 0001 of every service creates.

Revision 0001, the first of each service, is the tables as they were when migrations began (what that
release's ``create_all`` made), so that a database made by that release is stamped there and upgraded.
Forward only: an upgrade that fails rolls back whole; going back to an older release is restoring the
backup taken before upgrading.

The tables are frozen as written here and in the revisions 0001: a later change to any of them is a
revision in its service's history, never an edit of these. A table is written as data, one column a
line, ``"name TYPE [NULL] [KEY] [INDEX] [UNIQUE]"``:

- TYPE is a key of :data:`TYPES`; ``VARCHAR(n)`` and ``BLOB(n)`` take a length;
- a column is NOT NULL unless marked ``NULL``;
- the ``KEY`` columns make the primary key, in their order;
- ``INDEX`` adds the index ``ix_<table>_<column>``, ``UNIQUE`` an unnamed unique constraint on the column.

Indexes and unique constraints on several columns are named, as the release named them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic import op

TYPES: dict[str, Callable[[int | None], sa.types.TypeEngine[Any]]] = {
    "VARCHAR": lambda length: sa.String(length=length),
    "TEXT": lambda _: sa.Text(),
    "INTEGER": lambda _: sa.Integer(),
    "SERIAL": lambda _: sa.Integer(),
    "BIGINT": lambda _: sa.BigInteger(),
    # An event's position: BIGINT, and on SQLite INTEGER, which makes the primary key the rowid.
    "POSITION": lambda _: sa.BigInteger().with_variant(sa.INTEGER(), "sqlite"),
    "DATE": lambda _: sa.Date(),
    "TIMESTAMPTZ": lambda _: sa.DateTime(timezone=True),
    "BOOLEAN": lambda _: sa.Boolean(),
    "BLOB": lambda length: sa.LargeBinary(length=length),
}
"""The column types of the release, by the name a column's line gives; only SERIAL counts up by itself."""

_TYPE = re.compile(r"(?P<name>[A-Z]+)(?:\((?P<length>\d+)\))?")
_FLAGS = frozenset({"NULL", "KEY", "INDEX", "UNIQUE"})


@dataclass(frozen=True, slots=True)
class FrozenTable:
    """A table of a past release: its columns' lines, and its indexes and unique constraints by name."""

    name: str
    columns: tuple[str, ...]
    indexes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unique: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FrozenColumn:
    """One line of a frozen table: ``"name TYPE [NULL] [KEY] [INDEX] [UNIQUE]"``."""

    name: str
    type_name: str
    length: int | None
    flags: frozenset[str]

    @classmethod
    def parse(cls, line: str) -> FrozenColumn:
        words = line.split()
        kind = _TYPE.fullmatch(words[1]) if len(words) > 1 else None
        if kind is None or kind["name"] not in TYPES or not _FLAGS.issuperset(words[2:]):
            raise ValueError(f"not a frozen column: {line!r}")
        name, _, *flags = words
        length = int(kind["length"]) if kind["length"] is not None else None
        return cls(name, kind["name"], length, frozenset(flags))

    def column(self) -> sa.Column[Any]:
        return sa.Column(
            self.name,
            TYPES[self.type_name](self.length),
            autoincrement=self.type_name == "SERIAL",
            nullable="NULL" in self.flags,
        )


def table(
    name: str,
    *columns: str,
    indexes: Mapping[str, tuple[str, ...]] | None = None,
    unique: Mapping[str, tuple[str, ...]] | None = None,
) -> FrozenTable:
    return FrozenTable(name, columns, indexes or {}, unique or {})


def create_table(frozen: FrozenTable) -> None:
    """Create ``frozen`` as the release's ``create_all`` did: the table, then its indexes."""
    columns = [FrozenColumn.parse(line) for line in frozen.columns]
    op.create_table(
        frozen.name,
        *(column.column() for column in columns),
        sa.PrimaryKeyConstraint(*(column.name for column in columns if "KEY" in column.flags)),
        *(sa.UniqueConstraint(column.name) for column in columns if "UNIQUE" in column.flags),
        *(sa.UniqueConstraint(*names, name=name) for name, names in frozen.unique.items()),
    )
    indexes = {
        f"ix_{frozen.name}_{column.name}": [column.name] for column in columns if "INDEX" in column.flags
    }
    indexes.update((name, list(names)) for name, names in frozen.indexes.items())
    if indexes:
        with op.batch_alter_table(frozen.name, schema=None) as batch_op:
            for index in sorted(indexes):
                batch_op.create_index(batch_op.f(index), indexes[index], unique=False)


COMMON_TABLES = (
    table("chain_head", "id INTEGER KEY", "position BIGINT", "hash VARCHAR(64)"),
    table(
        "events",
        "position POSITION KEY",
        "event_id VARCHAR(36) UNIQUE",
        "stream_id VARCHAR(200)",
        "stream_version INTEGER",
        "type VARCHAR(100) INDEX",
        "unit_path VARCHAR(1000)",
        "occurred_at TIMESTAMPTZ",
        "recorded_at TIMESTAMPTZ",
        "body BLOB",
        "prev_hash VARCHAR(64)",
        "hash VARCHAR(64)",
        unique={"uq_events_stream_version": ("stream_id", "stream_version")},
    ),
    table(
        "idempotency_keys",
        "key VARCHAR(200) KEY",
        "request_hash VARCHAR(64)",
        "status_code INTEGER",
        "response TEXT",
        "created_at TIMESTAMPTZ",
    ),
    table("outbox", "position POSITION KEY"),
    table(
        "dead_letter_replays",
        "consumer VARCHAR(200) KEY",
        "original_sequence BIGINT KEY",
        "replayed_at TIMESTAMPTZ",
    ),
    table(
        "projection_checkpoints",
        "projection VARCHAR(100) KEY",
        "stream VARCHAR(100) KEY",
        "sequence BIGINT",
        "updated_at TIMESTAMPTZ",
    ),
    table(
        "org_units",
        "unit_id VARCHAR(63) KEY",
        "parent_id VARCHAR(63) NULL INDEX",
        "path VARCHAR(1000) UNIQUE",
        "name VARCHAR(300)",
        "level VARCHAR(20)",
        "unit_type VARCHAR(20)",
        "status VARCHAR(10)",
        "recognising_unit_id VARCHAR(63) NULL",
        "registered_at TIMESTAMPTZ",
        "closed_at TIMESTAMPTZ NULL",
    ),
)
"""In every service's database: the event store (events, outbox, chain head, idempotency keys), the
consumers' checkpoints and dead-letter replays, and the copy of the org tree."""


def create_first_release(*own: FrozenTable) -> None:
    """Revision 0001 of a service: the tables every service has, then its ``own``."""
    for frozen in (*COMMON_TABLES, *own):
        create_table(frozen)
