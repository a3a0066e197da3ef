"""The year workbook as an xlsx file: its sheets read as cells, and the template (or a filled workbook)
written, with a sheet of instructions (Hướng dẫn)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from enum import Enum
from typing import Any

from openpyxl import Workbook, load_workbook

from services.membership.adapters.spreadsheet import (
    MAX_COLUMNS,
    SheetFormatError,
    SheetTooLongError,
    check_unpacked_size,
)
from services.membership.domain.year_import.cells import Choice, Identifiers, Lines, Period
from services.membership.domain.year_import.mapping import INSTRUCTIONS
from services.membership.domain.year_import.workbook import SHEETS, Sheet
from shared.tables import add_sheet, append_row, header_row

MAX_SHEETS = 50


def read_workbook(content: bytes, max_rows: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows (header included), by title; at most ``max_rows`` rows below the first in all.

    Slow on a large workbook: call it off the event loop. Not an xlsx workbook, or one unpacking too
    large: :class:`SheetFormatError`; too many rows: :class:`SheetTooLongError`.
    """
    check_unpacked_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not xlsx
        raise SheetFormatError(f"the file is not an xlsx workbook ({type(exc).__name__})") from exc
    try:
        if len(workbook.worksheets) > MAX_SHEETS:
            raise SheetFormatError(f"the workbook has more than {MAX_SHEETS} sheets")
        sheets: dict[str, list[tuple[Any, ...]]] = {}
        below = 0  # rows below a sheet's first, blank ones too (a sheet can declare a million in a few bytes)
        for sheet in workbook.worksheets:
            rows: list[tuple[Any, ...]] = []
            for cells in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                below += bool(rows)
                if below > max_rows:
                    raise SheetTooLongError(str(sheet.title), max_rows)
                rows.append(tuple(cells))
            sheets[str(sheet.title)] = rows
        return sheets
    except (SheetFormatError, SheetTooLongError):
        raise
    except Exception as exc:  # a sheet's XML can be broken in as many ways as the workbook's
        raise SheetFormatError(f"a sheet cannot be read ({type(exc).__name__})") from exc
    finally:
        workbook.close()


def write_workbook(rows: Mapping[str, Iterable[Mapping[str, Any]]] | None = None) -> bytes:
    """The template with its instructions, and ``rows`` (by sheet key, each a mapping of column key to
    value) below each sheet's headers; without rows, the empty template."""
    book = Workbook(write_only=True)
    instructions = add_sheet(book, INSTRUCTIONS)
    for line in _instructions():
        append_row(instructions, line)
    for sheet in SHEETS:
        filled = list((rows or {}).get(sheet.key, ()))
        written = add_sheet(book, sheet.title)
        header_row(written, 1, len(sheet.columns), max(1, len(filled)))
        append_row(written, [c.header for c in sheet.columns])
        for row in filled:
            append_row(
                written, [template_value(sheet, key, row.get(key)) for key in (c.key for c in sheet.columns)]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _instructions() -> Iterable[Sequence[object]]:
    yield ["Sổ nhập số liệu năm (chudong): mỗi trang một loại hồ sơ, mỗi dòng một hồ sơ. Xem docs/import.md."]
    yield [
        "Trang (sheet)",
        "Cột (column)",
        "Bắt buộc (required)",
        "Ý nghĩa (meaning)",
        "Giá trị nhận (accepted)",
    ]
    for sheet in SHEETS:
        yield [sheet.title, "", "", sheet.about, ""]
        for column in sheet.columns:
            required = "x" if column.required else ""
            yield ["", column.header, required, column.about, column.kind.accepted]


def template_value(sheet: Sheet, key: str, value: Any) -> object:
    """A typed value as the template writes it: a choice by its Vietnamese label, a list joined."""
    kind = sheet.column(key).kind
    if value is None:
        return None
    if isinstance(kind, Choice):
        return next((text for text, chosen in kind.labels.items() if chosen == value), value)
    if isinstance(kind, Identifiers):
        return ", ".join(value)
    if isinstance(kind, Lines):
        return "\n".join(value)
    if isinstance(value, Period):
        return value.text
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value
    return value
