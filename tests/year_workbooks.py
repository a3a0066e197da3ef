"""Year workbooks the tests share: the example's year, and its members as another system exports them."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from chudong.year_example import BRANCHES

YEAR = 2025
"""The example's year: past, whatever day the tests run (they set the clock at 27 November 2026)."""

FOREIGN_HEADERS = ("Số định danh", "Họ tên", "Ngày tháng năm sinh", "Giới tính", "Dân tộc", "Chi đoàn",
                   "Ngày kết nạp", "Số QĐ kết nạp", "Địa chỉ thường trú")  # fmt: skip


def foreign_member_sheet(book: Workbook, members: list[dict[str, Any]]) -> None:
    """The members as another system exports them: a title row, its own headers and ways of writing."""
    names = {b: name for b, name, _ in BRANCHES}
    sheet = book.create_sheet("DanhSachDoanVien")
    sheet.append(["DANH SÁCH ĐOÀN VIÊN (xuất ngày 05-01-2026)"])
    sheet.append(list(FOREIGN_HEADERS))
    for m in members:
        sheet.append([m["member_id"], m["full_name"], m["birth_date"].strftime("%d-%m-%Y"),
                      "1" if m["gender"] == "male" else "0", m["ethnicity"], names[m["branch_id"]],
                      m["joined_on"].strftime("%d-%m-%Y"), m["admission_decision_ref"], m["address"]])  # fmt: skip
