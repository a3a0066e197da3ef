"""Writing a service's next revision from the difference between its head and its tables in the code.

A development tool (``chudong migrate SERVICE --new "what changed"``, from a checkout): a scratch
SQLite database is brought to the head, Alembic's autogenerate compares it with the tables the code
declares, and the operations that close the difference are written as the next revision in the
service's ``versions`` directory, in batch mode so that they also alter SQLite's tables. Read the
file before committing it: autogenerate sees tables, columns, types, indexes and constraints, but
not renames (it writes a drop and an add) nor data to move.
"""

from __future__ import annotations

import importlib.util
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.operations.ops import MigrationScript
from alembic.script import Script
from sqlalchemy import create_engine

from shared.migrations.history import SchemaHistory


def new_revision(history: SchemaHistory, message: str) -> Path | None:
    """Write the next revision of ``history``; None when its head already has the code's tables."""
    with tempfile.TemporaryDirectory(prefix="chudong-revision-") as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'head.db'}")
        try:
            with engine.begin() as conn:
                config = history.config(conn)
                command.upgrade(config, "head")
                _format_with_ruff(config)
                written = command.revision(
                    config,
                    message=message,
                    autogenerate=True,
                    rev_id=history.next_revision_id(),
                    process_revision_directives=_drop_if_empty,
                )
        finally:
            engine.dispose()
    return Path(written.path) if isinstance(written, Script) else None


def _drop_if_empty(_context: Any, _revision: Any, directives: list[Any]) -> None:
    scripts: Iterable[MigrationScript] = directives
    if all(script.upgrade_ops is None or script.upgrade_ops.is_empty() for script in scripts):
        directives.clear()


def _format_with_ruff(config: Config) -> None:
    """Ruff fixes and formats the new file when it is installed (a development dependency)."""
    if importlib.util.find_spec("ruff") is None:
        return
    hooks = {
        "hooks": "ruff_fix ruff_format",
        "ruff_fix.type": "module",
        "ruff_fix.module": "ruff",
        "ruff_fix.options": "check --fix --quiet REVISION_SCRIPT_FILENAME",
        "ruff_format.type": "module",
        "ruff_format.module": "ruff",
        "ruff_format.options": "format --quiet REVISION_SCRIPT_FILENAME",
    }
    for key, value in hooks.items():
        config.set_section_option("post_write_hooks", key, value)
