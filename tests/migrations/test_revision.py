"""``chudong migrate SERVICE --new``: the next revision is written from the code's tables, and runs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table

from shared.migrations import Migration, SchemaHistory, migrate
from shared.migrations.revision import new_revision
from shared.store import Database


def notes(*extra: Column[str]) -> MetaData:
    metadata = MetaData()
    Table(
        "notes", metadata, Column("note_id", Integer, primary_key=True), Column("text", String(200)), *extra
    )
    return metadata


async def test_a_new_revision_closes_the_difference_and_a_database_upgrades_through_it(
    tmp_path: Path,
) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    first = SchemaHistory("notebook", versions, (notes(),))
    second = SchemaHistory("notebook", versions, (notes(Column("title", String(100), nullable=True)),))
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'notebook.db'}")
    try:
        created = new_revision(first, "Notes")
        assert created is not None and created.name == "v0001_notes.py"
        assert "op.create_table(" in created.read_text() and 'revision = "0001"' in created.read_text()
        assert await migrate(db, first) == Migration("notebook", None, "0001")

        added = new_revision(second, "Notes have a title")
        assert added is not None and added.name == "v0002_notes_have_a_title.py"
        assert 'batch_op.add_column(sa.Column("title"' in added.read_text()
        assert await migrate(db, second) == Migration("notebook", "0001", "0002")

        assert new_revision(second, "Nothing") is None
        assert sorted(p.name for p in versions.glob("*.py")) == [
            "v0001_notes.py",
            "v0002_notes_have_a_title.py",
        ]
    finally:
        await db.dispose()
