"""Alembic's environment, the same for every service: run by :mod:`shared.migrations`, never alone.

The caller puts the open connection (sync, from ``AsyncConnection.run_sync``, inside its
transaction) and the service's :class:`~shared.migrations.history.SchemaHistory` in
``config.attributes``. SQLite alters a table by copying it, so its operations run in batch mode.
"""

from __future__ import annotations

from alembic import context

config = context.config
connection = config.attributes.get("connection")
history = config.attributes.get("history")
if connection is None or history is None:
    raise RuntimeError(
        "chudong's migrations run through `chudong migrate` (shared.migrations), not the alembic command"
    )

context.configure(
    connection=connection,
    target_metadata=list(history.metadatas),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
# The caller's transaction is open: Alembic runs inside it and commits nothing itself.
with context.begin_transaction():
    context.run_migrations()
