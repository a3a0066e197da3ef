"""Exports of what a page shows: xlsx (openpyxl) and PDF (fpdf2 with a Unicode TTF, so Vietnamese stays intact)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.child import INVALID_TITLE_REGEX


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
    for index, sheet in enumerate(document.sheets):
        ws = book.create_sheet(_sheet_name(sheet.title, index))
        ws.append([_text(sheet.title)])
        ws["A1"].font = Font(bold=True, size=13)
        for line in sheet.lines:
            ws.append([_text(line)])
        ws.append([])
        ws.append([_text(h) for h in sheet.headers])
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F3")
        for row in sheet.rows:
            ws.append([_cell(v) for v in row])
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
    # Only ASCII digits: str.isdigit() also holds for "²", which int() refuses.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else _text(value)


def _text(value: str) -> str:
    """Text without the control characters a workbook cannot hold (names are free text)."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def _sheet_name(title: str, index: int) -> str:
    clean = INVALID_TITLE_REGEX.sub("", _text(title))[:28].strip()
    return clean or f"Sheet {index + 1}"


def _xlsx_widths(sheet: Sheet) -> list[float]:
    widths = []
    for column, header in enumerate(sheet.headers):
        longest = max([len(header), *(len(r[column]) for r in sheet.rows if column < len(r))])
        widths.append(min(max(10.0, longest * 1.1), 70.0))
    return widths


def to_pdf(document: Document, font: Path, bold: Path) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(document.title)
    pdf.add_font("body", "", str(font))
    pdf.add_font("body", "B", str(bold if bold.exists() else font))
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
