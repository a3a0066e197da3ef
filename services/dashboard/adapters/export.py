"""Exports of what a page shows: xlsx (openpyxl) and PDF (fpdf2 with a Unicode TTF, so Vietnamese stays intact)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from shared.i18n import format_date, format_number, tr
from shared.tables import add_sheet, append_row, pdf_text
from shared.tables import header_row as header_row_of

Value = str | int | float | date | None
"""What a cell holds: text, a count, a figure or a day (written as a date the sheet can sort and filter)."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table with its title, the lines that say what it is, and its rows."""

    title: str
    lines: tuple[str, ...]
    headers: tuple[str, ...]
    rows: Sequence[tuple[Value, ...]]
    widths: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Issued:
    """Who issues a document, on which day and prepared by whom (đơn vị, ngày lập, người lập)."""

    unit: str
    on: date
    by: str


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    sheets: list[Sheet] = field(default_factory=list)
    lang: str = "vi"
    issued: Issued | None = None


def _issued_rows(document: Document) -> list[tuple[str, Value]]:
    issued, lang = document.issued, document.lang
    if issued is None:
        return []
    return [
        (tr(lang, "Issuing unit"), issued.unit),
        (tr(lang, "Date prepared"), issued.on),
        (tr(lang, "Prepared by"), issued.by),
    ]


def to_xlsx(document: Document) -> bytes:
    """A workbook, a sheet per table: its whole title and what it is first, then the table with its header
    row frozen and filtered; values stay what they are (days as dates, counts as numbers), text stays text."""
    book = Workbook()
    book.remove(book.active)
    for sheet in document.sheets:
        # The first row holds the whole title, which the sheet's tab may have to shorten.
        ws = add_sheet(book, sheet.title)
        append_row(ws, [sheet.title])
        ws["A1"].font = Font(bold=True, size=13)
        for line in sheet.lines:
            append_row(ws, [line])
        for name, value in _issued_rows(document):
            append_row(ws, [name, value])
        ws.append([])
        append_row(ws, sheet.headers)
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F3")
        for row in sheet.rows:
            append_row(ws, row)
        for column, width in enumerate(_xlsx_widths(sheet), start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
        for row in ws.iter_rows(min_row=header_row + 1):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_row_of(ws, header_row, len(sheet.headers), len(sheet.rows))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _shown(value: Value, lang: str) -> str:
    """A value as a person reads it: 13/01/2026, 1.234 (in Vietnamese)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value, lang)
    return value


def _xlsx_widths(sheet: Sheet) -> list[float]:
    widths = []
    for column, header in enumerate(sheet.headers):
        texts = [_shown(r[column], "vi") for r in sheet.rows if column < len(r)]
        longest = max([len(header), *(max(map(len, t.splitlines()), default=0) for t in texts)])
        widths.append(min(max(10.0, longest * 1.1), 70.0))
    return widths


class _Pages(FPDF):
    """A PDF whose every page ends with the issuing unit, the day and "Trang 1/2"."""

    lang = "vi"
    footer_text = ""
    shown: set[int] | None = None

    def footer(self) -> None:
        # "{nb}" is fpdf2's alias for the number of pages, filled in when the document is written.
        pages = pdf_text(tr(self.lang, "Page {page}/{pages}", page=self.page_no(), pages="{nb}"), self.shown)
        self.set_y(-9)
        self.set_font("body", "", 7)
        self.set_text_color(90, 96, 105)
        self.cell(self.epw / 2, 4, self.footer_text)
        self.cell(self.epw / 2, 4, pages, align="R")
        self.set_text_color(0, 0, 0)


def to_pdf(document: Document, font: Path, bold: Path) -> bytes:
    pdf = _Pages(orientation="landscape", format="A4")
    pdf.add_font("body", "", str(font))
    pdf.add_font("body", "B", str(bold if bold.exists() else font))
    shown = _glyphs(pdf, "body") & _glyphs(pdf, "bodyB")
    lang = pdf.lang = document.lang
    pdf.shown = shown
    document = _drawable(document, shown)
    issued = document.issued
    pdf.set_title(document.title)
    if issued is not None:
        pdf.set_author(issued.by)
        pdf.footer_text = pdf_text(f"{issued.unit} · {format_date(issued.on, lang)}", shown)
    pdf.set_auto_page_break(auto=False, margin=12)
    for sheet in document.sheets:
        pdf.add_page()
        pdf.set_font("body", "B", 13)
        pdf.multi_cell(0, 7, sheet.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("body", "", 9)
        for line in sheet.lines:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        if issued is not None:
            words = " · ".join(f"{name}: {_shown(value, lang)}" for name, value in _issued_rows(document))
            pdf.multi_cell(0, 5, pdf_text(words, shown), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        _table(pdf, sheet, lang)
    return bytes(pdf.output())


def _glyphs(pdf: FPDF, key: str) -> set[int]:
    """The code points the font added under ``key`` can draw."""
    font = pdf.fonts[key]
    return set(font.cmap) if isinstance(font, TTFFont) else set(range(32, 127))


def _drawable(document: Document, shown: set[int]) -> Document:
    """The document with only what both fonts can draw: a stored name may hold anything (see pdf_text)."""

    def text(value: str) -> str:
        return pdf_text(value, shown)

    def strings(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(text(v) for v in values)

    def values(row: tuple[Value, ...]) -> tuple[Value, ...]:
        return tuple(text(v) if isinstance(v, str) else v for v in row)

    sheets = [
        Sheet(text(s.title), strings(s.lines), strings(s.headers), [values(r) for r in s.rows], s.widths)
        for s in document.sheets
    ]
    issued = document.issued
    if issued is not None:
        issued = Issued(text(issued.unit), issued.on, text(issued.by))
    return Document(text(document.title), sheets, document.lang, issued)


_LINE = 4.5


def _table(pdf: FPDF, sheet: Sheet, lang: str) -> None:
    """The rows as a ruled table, the header repeated on each page.

    Cells that fit on one line are drawn as they are; only longer ones are broken into lines (fpdf2's own
    table breaks every cell, which took seconds for a province's 320 rows).
    """
    weights = sheet.widths or tuple(1.0 for _ in sheet.headers)
    widths = [pdf.epw * w / sum(weights) for w in weights]

    def lines_of(text: str, width: float) -> list[str]:
        if "\n" not in text and pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
            return [text]
        found = pdf.multi_cell(width, _LINE, text, dry_run=True, output="LINES")
        return [str(line) for line in found] if isinstance(found, list) and found else [""]

    def row(values: tuple[str, ...], header: bool = False) -> None:
        pdf.set_font("body", "B" if header else "", 8)
        cells = [lines_of(text, width) for text, width in zip(values, widths, strict=False)]
        height = _LINE * max(len(c) for c in cells)
        if not header and pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            row(sheet.headers, header=True)
            pdf.set_font("body", "", 8)
        x0, y0 = pdf.l_margin, pdf.get_y()
        if header:
            pdf.set_fill_color(221, 231, 243)
            pdf.rect(x0, y0, sum(widths), height, style="F")
        x = x0
        for lines, width in zip(cells, widths, strict=False):
            for number, line in enumerate(lines):
                pdf.set_xy(x, y0 + number * _LINE)
                pdf.cell(width, _LINE, line)
            x += width
        pdf.set_draw_color(200, 205, 212)
        pdf.line(x0, y0 + height, x0 + sum(widths), y0 + height)
        pdf.set_xy(x0, y0 + height)

    row(sheet.headers, header=True)
    for values in sheet.rows:
        row(tuple(_shown(v, lang) for v in values))
