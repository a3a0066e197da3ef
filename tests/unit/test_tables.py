"""Cells, sheet titles and PDF text from shared.tables: stored values can neither run as formulas nor
break the file, whatever they hold."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from shared.tables import SHEET_TITLE_LIMIT, add_sheet, append_row, pdf_text, sheet_text, sheet_title

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]
CONTROLS = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
_NASTY = st.sampled_from(
    ["=", "+", "-", "@", "\t", "\r", "\n", "'", "#REF!", "\ud800", "\udfff", "\ufffe", "😀"]
)
NASTY_TEXT = st.lists(st.one_of(_NASTY, st.characters(), st.sampled_from(CONTROLS)), max_size=40).map("".join)


def xml_read(text: str) -> str:
    """``text`` as an XML parser gives it back: a carriage return reads as a line break."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def saved(rows: list[list[Any]], *, write_only: bool) -> Any:
    """The first sheet of a workbook written with ``rows``, as openpyxl reads the file back."""
    book = Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    sheet = add_sheet(book, "Danh sách")
    for row in rows:
        append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return load_workbook(io.BytesIO(out.getvalue())).worksheets[0]


@pytest.mark.parametrize("write_only", [True, False])
def test_a_value_that_starts_like_a_formula_is_written_as_text_and_reads_back_unchanged(
    write_only: bool,
) -> None:
    sheet = saved([FORMULAS, ["#REF!", "#N/A"]], write_only=write_only)
    for cell in sheet[1]:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.value, cell.data_type)
    assert [c.value for c in sheet[1]] == [xml_read(f) for f in FORMULAS]
    assert [(c.value, c.data_type) for c in sheet[2][:2]] == [("#REF!", "s"), ("#N/A", "s")]


@pytest.mark.parametrize("write_only", [True, False])
def test_numbers_stay_numbers_and_dates_stay_dates(write_only: bool) -> None:
    aware = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    sheet = saved([[-2, 3.5, True, date(2026, 3, 1), aware, None, "0900000000"]], write_only=write_only)
    assert [c.data_type for c in sheet[1]] == ["n", "n", "b", "d", "d", "n", "s"]
    assert [c.value for c in sheet[1]] == [
        -2,
        3.5,
        True,
        datetime(2026, 3, 1),
        datetime(2026, 3, 1, 9, 30),
        None,
        "0900000000",
    ]


@pytest.mark.parametrize("write_only", [True, False])
def test_characters_a_sheet_cannot_hold_are_dropped_instead_of_failing_the_file(write_only: bool) -> None:
    name = f"Nguyễn{CONTROLS}Văn\ud800 An\ufffe\tx\ny"
    sheet = saved([[name]], write_only=write_only)
    assert sheet["A1"].value == "NguyễnVăn An\tx\ny"


@settings(max_examples=60, deadline=None)
@given(NASTY_TEXT)
def test_any_text_is_written_as_text_with_only_the_impossible_characters_removed(text: str) -> None:
    cell = saved([[text]], write_only=True)["A1"]
    expected = xml_read(sheet_text(text))
    assert cell.value == (expected or None)
    assert cell.data_type == ("s" if expected else "n")


def test_sheet_titles_lose_the_characters_excel_refuses_and_keep_within_31() -> None:
    assert sheet_title("a:b?c*d/e[f]\\g") == "a-b-c-d-e(f)-g"
    assert sheet_title(f"  'Đoàn\n{CONTROLS} xã'  ") == "Đoàn xã"
    assert sheet_title("", fallback="Đoàn viên") == "Đoàn viên"
    assert sheet_title(":::") == "---"
    assert sheet_title("History") == "History (2)"  # Excel keeps that title for itself
    long = "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã Phước Hưng"
    assert sheet_title(long) == long[:SHEET_TITLE_LIMIT]
    # A character beyond the BMP counts as two in Excel's 31.
    assert sheet_title("😀" * 20) == "😀" * 15


def test_two_names_that_share_their_first_31_characters_get_two_sheets_and_keep_the_full_names() -> None:
    first = "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã Phước Hưng"
    second = "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã Phước Long & Co"
    book = Workbook()
    book.remove(book.active)
    for name in (first, second, second.upper()):
        add_sheet(book, name)
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue()))
    titles = read.sheetnames
    assert titles == [first[:31], first[:27] + " (2)", first[:27].upper() + " (3)"]
    assert all(len(t) <= SHEET_TITLE_LIMIT for t in titles)
    # The tabs are shortened: the full names are in the printed headers, "&" doubled as Excel reads it.
    headers = [sheet.oddHeader.center.text for sheet in read.worksheets]
    assert headers == [first, second.replace("&", "&&"), second.upper().replace("&", "&&")]


def test_a_name_that_fits_its_tab_gets_no_printed_header() -> None:
    book = Workbook(write_only=True)
    assert not add_sheet(book, "Chi đoàn 1").oddHeader.center.text


@settings(max_examples=40, deadline=None)
@given(st.lists(NASTY_TEXT, min_size=1, max_size=4))
@example(["\x00 ="])  # a space left at the start once the control character is gone
def test_any_names_give_valid_distinct_sheets(names: list[str]) -> None:
    book = Workbook(write_only=True)
    for name in names:
        append_row(add_sheet(book, name), [name])
    out = io.BytesIO()
    book.save(out)
    titles = load_workbook(io.BytesIO(out.getvalue())).sheetnames
    assert len({t.casefold() for t in titles}) == len(names)
    for title in titles:
        assert len(title.encode("utf-16-le")) <= 2 * SHEET_TITLE_LIMIT
        assert not set(title) & set(":\\/?*[]") and title == title.strip().strip("'")


def test_pdf_text_keeps_line_breaks_and_shows_what_the_font_lacks() -> None:
    shown = {ord(c) for c in "Nguyễn Văn An?"} | {0xFFFD}
    assert pdf_text(f"Nguyễn\tVăn\r\nAn{CONTROLS}\x7f\x85\ud800", shown) == "Nguyễn Văn\nAn"
    assert pdf_text("An 漢😀", shown) == "An \ufffd\ufffd"
    assert pdf_text("An 漢", {ord(c) for c in "An ?"}) == "An ?"
    assert pdf_text("Nguye\u0302\u0303n") == "Nguyễn"  # composed, as fonts draw it
