"""Member lists as xlsx (danh sách đoàn viên), the way officers keep them today."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from shared.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, tr
from shared.tables import add_sheet, append_row, header_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""The content type of an xlsx workbook."""

# Column key, its header (a message id of the catalogs: "Họ và tên" in Vietnamese), and whether a row
# needs it. An import reads the headers in either language, or the keys.
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("member_id", N_("Member id"), False),
    ("full_name", N_("Full name"), True),
    ("birth_date", N_("Date of birth"), True),
    ("gender", N_("Gender"), False),
    ("ethnicity", N_("Ethnicity"), False),
    ("religion", N_("Religion"), False),
    ("phone", N_("Phone"), False),
    ("email", N_("Email"), False),
    ("address", N_("Address"), False),
    ("branch_id", N_("Branch id"), True),
    ("joined_on", N_("Joined the Union on"), True),
    ("admission_decision_ref", N_("Admission decision number"), True),
    ("status", N_("Status"), False),
)
# The words a member list shows for the values the records keep (an import reads the gender either way).
VALUES: dict[str, dict[str, str]] = {
    "gender": {"male": N_("Male"), "female": N_("Female"), "other": N_("Other")},
    "status": {
        "active": N_("Active"),
        "in_transfer": N_("Transferring"),
        "matured": N_("Aged out"),
        "struck_off": N_("Struck off"),
        "expelled": N_("Expelled"),
    },
}
DATES = ("birth_date", "joined_on")
MAX_COLUMNS = 100
"""Columns read: the member list's own and any an officer added beside them."""
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
"""What the parts of a workbook may unpack to: an xlsx is a zip, and a small zip can unpack to gigabytes."""
HEADERS = {key: tr(DEFAULT_LANGUAGE, header) for key, header, _ in COLUMNS}
"""Each column's header as the officers write it (Vietnamese), for the import's answers."""
REQUIRED = tuple(key for key, _, required in COLUMNS if required)
_ALIASES = {tr(lang, header).casefold(): key for lang in LANGUAGES for key, header, _ in COLUMNS} | {
    key: key for key, _, _ in COLUMNS
}


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


class SheetTooLongError(Exception):
    """The sheet has more rows below its header than one import takes."""

    def __init__(self, sheet: str, max_rows: int) -> None:
        super().__init__(f"the sheet {sheet!r} has more than {max_rows} rows below its header")
        self.sheet = sheet
        self.max_rows = max_rows


def read_rows(content: bytes, max_rows: int) -> list[SheetRow]:
    """The non-empty rows of the first sheet, keyed by column; headers in Vietnamese or English.

    Reads at most ``max_rows`` rows below the header, blank ones included (a sheet can declare a million
    rows in a few bytes), and raises :class:`SheetTooLongError` at the next one. Slow on a large sheet:
    call it off the event loop.
    """
    check_unpacked_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not xlsx
        raise SheetFormatError(f"the file is not an xlsx workbook ({type(exc).__name__})") from exc
    try:
        if not workbook.worksheets:
            raise SheetFormatError("the workbook has no sheet")
        return _rows(workbook.worksheets[0], max_rows)
    except (SheetFormatError, SheetTooLongError):
        raise
    except Exception as exc:  # a sheet's XML can be broken in as many ways as the workbook's
        raise SheetFormatError(f"the sheet cannot be read ({type(exc).__name__})") from exc
    finally:
        workbook.close()


def check_unpacked_size(content: bytes) -> None:
    """A workbook whose parts unpack within :data:`MAX_UNPACKED_BYTES`; else :class:`SheetFormatError`."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetFormatError(f"the file is not an xlsx workbook ({type(exc).__name__})") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetFormatError(
            f"the workbook unpacks to {unpacked} bytes, more than the {MAX_UNPACKED_BYTES} accepted"
        )


def _rows(sheet: Any, max_rows: int) -> list[SheetRow]:
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
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
        if number > max_rows + 1:
            raise SheetTooLongError(str(sheet.title), max_rows)
        values = {key: _clean(cells[index]) for index, key in keys.items() if index < len(cells)}
        if any(v is not None for v in values.values()):
            found.append(SheetRow(number, values, letters))
    return found


def shown_value(key: str, value: Any, lang: str = DEFAULT_LANGUAGE) -> Any:
    """A member's value as the list shows it: a word for a gender or a status, a date for a day."""
    if key in DATES and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    words = VALUES.get(key, {})
    return tr(lang, words[value]) if isinstance(value, str) and value in words else value


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime):
        return value.date()
    return value


def write_rows(rows: Iterable[dict[str, Any]], title: str, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """A workbook with the header row and one row per member, in the columns the import reads.

    The sheet is named after ``title`` (the unit's name; the whole name is in the printed header when the
    tab has to shorten it), and the header stays the first row, frozen and filtered, so that the file
    imports again as it is. Headers and values are in ``lang`` ("Nam", "Đang sinh hoạt"), days are dates.
    """
    rows = list(rows)
    workbook = Workbook(write_only=True)
    sheet = add_sheet(workbook, title, fallback=tr(lang, "Members"))
    header_row(sheet, 1, len(COLUMNS), len(rows))
    append_row(sheet, [tr(lang, header) for _, header, _ in COLUMNS])
    for row in rows:
        append_row(sheet, [shown_value(key, row.get(key), lang) for key, _, _ in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
