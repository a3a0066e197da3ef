"""The exports hold whatever the names hold: a workbook takes text without the characters it refuses."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from services.dashboard.adapters.export import Document, Sheet, to_xlsx


def test_names_with_characters_a_workbook_refuses_are_exported_without_them() -> None:
    sheet = Sheet(
        title="Huyện đoàn [Yên Dũng]: 1/2\x02",
        lines=("Ngày\x03 27/11/2026",),
        headers=("Đoàn cơ sở\x1f", "Số"),
        rows=[("Đoàn xã\x04 Tân Hoa", "²"), ("Đoàn phường Long Thành", 12)],
    )
    book = load_workbook(io.BytesIO(to_xlsx(Document("Tổng quan", [sheet]))))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert book.worksheets[0].title == "Huyện đoàn (Yên Dũng)- 1-2"  # shared.tables.sheet_title
    assert rows[0][0] == "Huyện đoàn [Yên Dũng]: 1/2" and rows[1][0] == "Ngày 27/11/2026"
    assert rows[3] == ("Đoàn cơ sở", "Số")
    assert rows[4:] == [("Đoàn xã Tân Hoa", "²"), ("Đoàn phường Long Thành", 12)]
