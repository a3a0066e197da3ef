"""Every xlsx and PDF writer of the project, fed names that older records may hold: formulas stay text,
control characters and odd titles do not fail the file."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from chudong.audit.output import as_xlsx
from services.dashboard.adapters.export import Document, Sheet, to_pdf, to_xlsx
from services.dashboard.settings import DashboardSettings
from services.evaluation.domain.results import CriterionResult, Evidence, IndicatorResult, UnitCompliance
from services.membership.adapters.spreadsheet import write_rows
from shared.contracts.evaluation import Missing, Status

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"]
CONTROLS = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
ODD_TITLE = "a:b?c*d/e[f]"
LONG = "Huyện đoàn Phước Long, tỉnh Bình Phước"  # longer than a sheet tab


def cells(sheet: Any) -> list[Any]:
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_text(sheet: Any, values: list[str]) -> None:
    """Each value is in the sheet as a text cell holding exactly it; no cell is a formula."""
    found = {cell.value: cell.data_type for cell in cells(sheet)}
    assert {v: found.get(v) for v in values} == dict.fromkeys(values, "s")
    assert all(cell.data_type != "f" for cell in cells(sheet))


def document() -> Document:
    rows: list[tuple[str, ...]] = [
        (name, "", "Đạt", "", "", "", "") for name in [*FORMULAS, f"Đoàn{CONTROLS} xã\ud800 😀 漢"]
    ]
    headers = ("Đoàn cơ sở", "Đơn vị trực thuộc", "C1", "C2", "C3", "Chung", "Giai đoạn")
    unions = Sheet(f"{LONG} – Đoàn cơ sở", (f"Ngày{CONTROLS}: 02/11/2026",), headers, rows)
    districts = Sheet(f"{LONG} – Đơn vị trực thuộc", (), ("Đơn vị", "Tổng"), [("=1+1", 3)])
    odd = Sheet(f"{ODD_TITLE}{CONTROLS}", (), ("a",), [("b",)])
    return Document(f"{LONG}{CONTROLS}\ud800", [unions, districts, odd])


def test_the_dashboard_xlsx_writes_names_as_text_and_titles_every_sheet_validly_and_distinctly() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(document())))
    unions, districts, odd = book.worksheets
    assert_text(unions, FORMULAS)
    assert_text(districts, ["=1+1"])
    assert [c.value for c in districts[4]] == ["=1+1", 3]  # counts stay numbers
    assert districts.freeze_panes == "A4" and districts.auto_filter.ref == "A3:B4"
    assert "Đoàn xã 😀 漢" in {c.value for c in cells(unions)}
    assert unions.title == LONG[:31] and districts.title == LONG[:27] + " (2)"
    # The tabs are shortened; the first row holds each whole title.
    assert (
        unions["A1"].value == f"{LONG} – Đoàn cơ sở"
        and districts["A1"].value == f"{LONG} – Đơn vị trực thuộc"
    )
    assert odd.title == "a-b-c-d-e(f)" and odd["A1"].value == ODD_TITLE


def test_the_dashboard_pdf_draws_what_its_font_can_and_drops_what_would_break_it() -> None:
    settings = DashboardSettings(evaluation_url="http://ev", notifications_url="http://nt")
    content = to_pdf(document(), settings.pdf_font, settings.pdf_font_bold)
    reader = PdfReader(io.BytesIO(content))
    # Narrow columns break long names across lines: compare without the white space.
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    for name in [*FORMULAS, "Đoàn xã 😀 \ufffd", ODD_TITLE, f"{LONG} – Đoàn cơ sở"]:
        assert "".join(name.split()) in text, name
    assert reader.metadata is not None and reader.metadata.title == LONG


def test_the_member_export_writes_names_as_text_and_names_its_sheet_validly() -> None:
    members = [
        {"member_id": f"m-{n}", "full_name": name, "address": name, "joined_on": date(2025, 1, 15)}
        for n, name in enumerate([*FORMULAS, f"Nguyễn{CONTROLS}Văn An"])
    ]
    book = load_workbook(io.BytesIO(write_rows(members, f"{ODD_TITLE}{CONTROLS}")))
    sheet = book.active
    assert sheet.title == "a-b-c-d-e(f)" and sheet.oddHeader.center.text == ODD_TITLE
    header, *rows = list(sheet.iter_rows())
    assert header[1].value == "Họ và tên"  # the import reads the first row as the header
    assert [row[1].value for row in rows] == [*FORMULAS, "NguyễnVăn An"]
    assert_text(sheet, FORMULAS)
    assert {row[10].data_type for row in rows} == {"d"}


def test_the_audit_xlsx_writes_explanations_as_text(tmp_path: Path) -> None:
    indicator = IndicatorResult(
        indicator_id="C2.2",
        name="Sinh hoạt chi đoàn",
        criterion=2,
        core=True,
        status=Status.FAIL,
        closes_on=date(2026, 12, 31),
        evidence=Evidence(),
        missing=[Missing(indicator_id="C2.2", description=f"-2+3{CONTROLS}")],
        explanation='=HYPERLINK("http://x","y")',
    )
    criteria = [
        CriterionResult(
            criterion=n,
            name=f"C{n}",
            status=Status.FAIL,
            min_optional=0,
            optional_passed=0,
            indicators=[indicator] if n == 2 else [],
        )
        for n in (1, 2, 3)
    ]
    result = UnitCompliance(
        unit_id="dcs-1",
        unit_type="commune_ward",
        year=2026,
        as_of=date(2026, 10, 31),
        rules_id="default",
        status=Status.FAIL,
        criteria=criteria,
    )
    path = tmp_path / "replay.xlsx"
    as_xlsx([result], path)
    book = load_workbook(path)
    assert book.sheetnames == ["unions", "indicators"]
    assert_text(book["indicators"], ['=HYPERLINK("http://x","y")', "-2+3"])
    assert book["unions"]["E2"].data_type == "d" and book["unions"]["D2"].value == 2026
