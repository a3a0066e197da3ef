"""The notation the previous release's tables are frozen in: one column a line."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shared.migrations.first_release import FrozenColumn


def test_a_line_gives_the_column_with_its_type_and_nullability() -> None:
    key = FrozenColumn.parse("unit_id VARCHAR(63) KEY INDEX")
    note = FrozenColumn.parse("note TEXT NULL").column()
    counter = FrozenColumn.parse("id SERIAL KEY").column()

    assert key.flags == {"KEY", "INDEX"}
    column = key.column()
    assert isinstance(column.type, sa.String) and column.type.length == 63
    assert column.nullable is False and column.autoincrement is False
    assert isinstance(note.type, sa.Text) and note.nullable is True
    assert isinstance(counter.type, sa.Integer) and counter.autoincrement is True


@pytest.mark.parametrize("line", ["unit_id", "unit_id STRING(63)", "unit_id VARCHAR(63) OPTIONAL", "a b c d"])
def test_a_line_in_no_known_notation_is_refused(line: str) -> None:
    with pytest.raises(ValueError, match="not a frozen column"):
        FrozenColumn.parse(line)
