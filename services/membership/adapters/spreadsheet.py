"""Member lists as xlsx (danh sách đoàn viên), the way officers keep them today."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX

# Column key, the header officers write (Vietnamese), and whether a row needs it.
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("member_id", "Mã đoàn viên", False),
    ("full_name", "Họ và tên", True),
    ("birth_date", "Ngày sinh", True),
    ("gender", "Giới tính", False),
    ("ethnicity", "Dân tộc", False),
    ("religion", "Tôn giáo", False),
    ("phone", "Điện thoại", False),
    ("email", "Email", False),
    ("address", "Nơi ở", False),
    ("branch_id", "Mã chi đoàn", True),
    ("joined_on", "Ngày vào Đoàn", True),
    ("admission_decision_ref", "Số quyết định kết nạp", True),
    ("status", "Trạng thái", False),
)
HEADERS = {key: header for key, header, _ in COLUMNS}
REQUIRED = tuple(key for key, _, required in COLUMNS if required)
_ALIASES = {header.casefold(): key for key, header, _ in COLUMNS} | {key: key for key, _, _ in COLUMNS}


@dataclass(frozen=True, slots=True)
class SheetRow:
    number: int  # as the officer sees it: the header is row 1
    values: dict[str, Any]
    columns: dict[str, str]  # key -> column letter


@dataclass(frozen=True, slots=True)
class SheetError:
    row: int
    column: str
    field: str
    value: Any
    message: str

    def to_dict(self) -> dict[str, Any]:
        value = self.value.isoformat() if isinstance(self.value, date | datetime) else self.value
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": value,
            "message": self.message,
        }


class SheetFormatError(Exception):
    """The file is not an xlsx workbook, or its header row lacks required columns."""

    def __init__(self, message: str, missing: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.missing = tuple(missing)


def read_rows(content: bytes) -> list[SheetRow]:
    """The non-empty rows of the first sheet, keyed by column; headers in Vietnamese or English."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not xlsx
        raise SheetFormatError(f"the file is not an xlsx workbook ({type(exc).__name__})") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    keys: dict[int, str] = {}
    for index, title in enumerate(header):
        key = _ALIASES.get(str(title).strip().casefold()) if title is not None else None
        if key is not None:
            keys[index] = key
    missing = [HEADERS[k] for k in REQUIRED if k not in keys.values()]
    if missing:
        raise SheetFormatError(f"the header row lacks the columns: {', '.join(missing)}", missing)
    letters = {key: get_column_letter(index + 1) for index, key in keys.items()}
    found: list[SheetRow] = []
    for number, cells in enumerate(rows, start=2):
        values = {key: _clean(cells[index]) for index, key in keys.items() if index < len(cells)}
        if any(v is not None for v in values.values()):
            found.append(SheetRow(number, values, letters))
    workbook.close()
    return found


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime):
        return value.date()
    return value


def write_rows(rows: Iterable[dict[str, Any]], title: str) -> bytes:
    """A workbook with the header row and one row per member, in the columns the import reads."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    sheet.append([header for _, header, _ in COLUMNS])
    for row in rows:
        sheet.append([_cell(row.get(key)) for key, _, _ in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(name: str) -> str:
    """A unit's name as a sheet's title: at most 31 characters, without those a title cannot hold."""
    return INVALID_TITLE_REGEX.sub("", _cell(name))[:31].strip() or "Đoàn viên"


def _cell(value: Any) -> Any:
    """Text without the control characters a workbook cannot hold; the rest as it is."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
