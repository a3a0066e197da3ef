"""Tables written for people to open (xlsx sheets, PDF pages): no stored value can turn against the reader
or break the file.

Every xlsx writer of the project writes its cells and names its sheets here, so there is one way to do it:

- A string is always text. openpyxl writes a string that starts with ``=`` as a live formula, so a union
  renamed ``=HYPERLINK(…)`` would become a link in every officer's export (formula injection, OWASP
  "CSV injection"). A cell that starts like a formula (``= + - @``, tab, CR) is also marked
  ``quotePrefix``, which is what Excel stores when someone types ``'=…``: it shows as text and stays text
  when edited, and its value reads back unchanged, so an exported member list imports again as it was.
- Numbers stay numbers and dates stay dates, shown dd/mm/yyyy as officers write them (a real date the
  sheet sorts and filters, not a text that looks like one).
- A table's header row is frozen and filtered (:func:`header_row`), so a long list stays readable.
- Characters a sheet cannot hold (XML control characters, lone surrogates) are dropped, and sheet titles
  are made valid and unique, so one odd record cannot fail the export of a union and every unit above it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula when the cell is typed or opened as CSV."""

SHEET_TITLE_LIMIT = 31
"""Excel's limit on a sheet title, in UTF-16 code units."""

DATE_FORMAT = "dd/mm/yyyy"
"""How a day is shown in a cell (the cell holds a date)."""

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
"""How a moment is shown in a cell."""

HEADER_LIMIT = 255
"""Excel's limit on a printed page header, formatting codes included."""

# openpyxl's own list of the control characters XML 1.0 cannot hold, plus what it writes but no reader can
# then parse: lone surrogates (a JSON "\ud800" decodes to one) and the non-characters U+FFFE and U+FFFF.
_NOT_IN_SHEETS = re.compile(ILLEGAL_CHARACTERS_RE.pattern + r"|[\ud800-\udfff\ufffe\uffff]")
# Excel refuses these in a sheet title; brackets become their round cousins, the rest a dash.
_TITLE_REPLACEMENTS = str.maketrans({"[": "(", "]": ")", ":": "-", "\\": "-", "/": "-", "?": "-", "*": "-"})
# Excel keeps this title for itself.
_RESERVED_TITLES = ("history",)
_LINE_BREAKS = re.compile(r"\s+")

_PLAIN = (bool, int, float, Decimal, date, time, timedelta)


def sheet_text(text: str) -> str:
    """``text`` without the characters an xlsx sheet cannot hold."""
    return _NOT_IN_SHEETS.sub("", text)


def cell(sheet: Any, value: object) -> Cell:
    """A cell of ``sheet`` (a worksheet, write-only or not) holding ``value`` as what it is.

    Append it with the row (``sheet.append([...])``), or use :func:`append_row`. A string is text, never a
    formula or an error code; a value that is neither text nor a number nor a date is written as its text.
    """
    written = Cell(sheet, row=1, column=1)  # the place is given when the row is appended
    if value is None or isinstance(value, _PLAIN):
        if isinstance(value, datetime) and value.tzinfo is not None:
            # Excel has no time zones (openpyxl refuses an aware datetime): the moment, in UTC.
            value = value.astimezone(UTC).replace(tzinfo=None)
        written.value = value
        if isinstance(value, datetime):
            written.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            written.number_format = DATE_FORMAT
        return written
    text = sheet_text(str(value))
    if not text:
        return written  # an empty cell, as a sheet shows an empty string
    written.value = text
    written.data_type = "s"  # after the value: openpyxl makes "=…" a formula and "#REF!" an error
    if text.startswith(FORMULA_STARTS):
        written.quotePrefix = True
    return written


def append_row(sheet: Any, values: Iterable[object]) -> None:
    """Append one row of values to ``sheet``, each written by :func:`cell`."""
    sheet.append([cell(sheet, value) for value in values])


def header_row(sheet: Any, row: int, columns: int, rows: int) -> None:
    """Freeze ``sheet`` below its header (row ``row``) and filter its table of ``columns`` columns and
    ``rows`` rows below the header (AutoFilter). On a write-only sheet, call it before appending rows."""
    sheet.freeze_panes = f"A{row + 1}"
    sheet.auto_filter.ref = f"A{row}:{get_column_letter(max(1, columns))}{row + rows}"


def sheet_title(name: str, taken: Iterable[str] = (), fallback: str = "Sheet") -> str:
    """A valid sheet title for ``name``, unique among ``taken`` (Excel compares titles ignoring case).

    Characters a title cannot hold are replaced, the title is cut to 31 characters and, if another sheet
    already has it, numbered: ``Name (2)``, ``Name (3)``, …
    """
    base = _title_text(name) or _title_text(fallback) or "Sheet"
    used = {title.casefold() for title in taken} | set(_RESERVED_TITLES)
    title, number = _cut(base, SHEET_TITLE_LIMIT), 1
    while title.casefold() in used:
        number += 1
        suffix = f" ({number})"
        title = _cut(base, SHEET_TITLE_LIMIT - len(suffix)) + suffix
    return title


def add_sheet(book: Any, name: str, fallback: str = "Sheet") -> Any:
    """A new sheet of ``book`` titled after ``name`` (see :func:`sheet_title`).

    When the title cannot hold the whole name, the name is kept in the sheet's printed page header.
    """
    title = sheet_title(name, book.sheetnames, fallback)
    sheet = book.create_sheet(title)
    full = _single_line(sheet_text(name))
    if full and title != full:
        sheet.oddHeader.center.text = _header_text(full)
    return sheet


def pdf_text(text: str, shown: Container[int] | None = None) -> str:
    """``text`` as a PDF writer can draw it.

    Line breaks are kept (as ``\\n``) and a tab becomes a space; other control characters and lone
    surrogates (which make fpdf2 fail) are dropped; a character that is not in ``shown`` (the code points
    the font has glyphs for) becomes U+FFFD, or ``?`` when the font lacks that too.
    """
    text = unicodedata.normalize("NFC", sheet_text(text.replace("\r\n", "\n").replace("\r", "\n")))
    text = "".join(" " if c == "\t" else c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    if shown is None:
        return text
    missing = "\ufffd" if 0xFFFD in shown else "?"
    return "".join(c if c == "\n" or ord(c) in shown else missing for c in text)


def _single_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text).strip()


def _title_text(name: str) -> str:
    text = _single_line(sheet_text(unicodedata.normalize("NFC", name)).translate(_TITLE_REPLACEMENTS))
    # Excel refuses a title that begins or ends with an apostrophe; spaces there would hide one.
    while (trimmed := text.strip().strip("'")) != text:
        text = trimmed
    return text


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-16 code units (a character beyond the BMP counts two)."""
    cut = text[:limit]
    while len(cut.encode("utf-16-le")) > 2 * limit:
        cut = cut[:-1]
    return cut.rstrip().rstrip("'") or cut


def _header_text(name: str) -> str:
    """``name`` as the text of a page header: ``&`` starts a formatting code there, so it is doubled."""
    out: list[str] = []
    size = len("&C")  # openpyxl writes the centre section after its code
    for c in name:
        piece = "&&" if c == "&" else c
        if size + len(piece) > HEADER_LIMIT:
            break
        out.append(piece)
        size += len(piece)
    return "".join(out)
