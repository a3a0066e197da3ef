"""Exports of what a page shows: xlsx (openpyxl) and PDF (fpdf2 with a Unicode TTF, so Vietnamese stays intact)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from shared.tables import add_sheet, append_row, pdf_text


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table with its title, the lines that say what it is, and its rows (already formatted text)."""

    title: str
    lines: tuple[str, ...]
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    widths: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    sheets: list[Sheet] = field(default_factory=list)


def to_xlsx(document: Document) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in document.sheets:
        # The first row holds the whole title, which the sheet's tab may have to shorten.
        ws = add_sheet(book, sheet.title)
        append_row(ws, [sheet.title])
        ws["A1"].font = Font(bold=True, size=13)
        for line in sheet.lines:
            append_row(ws, [line])
        ws.append([])
        append_row(ws, sheet.headers)
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F3")
        for row in sheet.rows:
            append_row(ws, [_cell(v) for v in row])
        for column, width in enumerate(_xlsx_widths(sheet), start=1):
            ws.column_dimensions[ws.cell(row=header_row, column=column).column_letter].width = width
        for row in ws.iter_rows(min_row=header_row + 1):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: str) -> str | int:
    # Rows are formatted text; counts go back to numbers so that a sheet can sum them. Only plain ASCII
    # digits without a leading zero: "²" is a digit to Python but not to int(), and "007" is a code.
    plain = value.isascii() and value.isdigit() and len(value) < 10
    return int(value) if plain and str(int(value)) == value else value


def _xlsx_widths(sheet: Sheet) -> list[float]:
    widths = []
    for column, header in enumerate(sheet.headers):
        longest = max([len(header), *(len(r[column]) for r in sheet.rows if column < len(r))])
        widths.append(min(max(10.0, longest * 1.1), 70.0))
    return widths


def to_pdf(document: Document, font: Path, bold: Path) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font("body", "", str(font))
    pdf.add_font("body", "B", str(bold if bold.exists() else font))
    document = _drawable(document, _glyphs(pdf, "body") & _glyphs(pdf, "bodyB"))
    pdf.set_title(document.title)
    pdf.set_auto_page_break(auto=False, margin=12)
    for sheet in document.sheets:
        pdf.add_page()
        pdf.set_font("body", "B", 13)
        pdf.multi_cell(0, 7, sheet.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("body", "", 9)
        for line in sheet.lines:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        _table(pdf, sheet)
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

    sheets = [
        Sheet(text(s.title), strings(s.lines), strings(s.headers), [strings(r) for r in s.rows], s.widths)
        for s in document.sheets
    ]
    return Document(text(document.title), sheets)


_LINE = 4.5


def _table(pdf: FPDF, sheet: Sheet) -> None:
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
        row(values)
