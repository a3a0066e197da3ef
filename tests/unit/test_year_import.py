"""The year workbook checked whole: the example's steps in dependency order, every kind of error named by
sheet, row and column with no step left, a foreign member sheet read through its mapping file."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from chudong.year_example import BRANCHES, DISTRICT, NEW_BRANCH, PROVINCE, UNION, example_rows
from services.evaluation.app.commands import command_table as evaluation_table
from services.evaluation.domain import commands as evaluation_commands
from services.membership.adapters.year_workbook import template_value, write_workbook
from services.membership.app.base import Membership
from services.membership.app.commands import command_table as membership_table
from services.membership.app.year_import import read_sheets, read_year
from services.membership.domain import commands as membership_commands
from services.membership.domain.year_import.cells import CellError
from services.membership.domain.year_import.draft import Known
from services.membership.domain.year_import.mapping import (
    OWN,
    MappingError,
    own_mapping_document,
    parse_mapping,
)
from services.membership.domain.year_import.planner import Plan, plan_import
from services.membership.domain.year_import.steps import Phase
from services.membership.domain.year_import.workbook import SHEETS, Row
from services.planning.domain import commands as planning_commands
from shared.auth import Role
from shared.clock import FixedClock, start_of_day
from shared.commands import Command, CommandTable
from shared.contracts.membership import MemberJoined
from shared.contracts.org import OrgUnit, UnitLevel
from shared.errors import DomainError
from tests.fakes import InMemoryEventStore, InMemoryKeyRing, InMemoryUnitDirectory, org_unit
from tests.fakes.evaluation import InMemoryRecognitionHandlers
from tests.fakes.planning import InMemoryPlanningHandlers
from tests.year_workbooks import YEAR, foreign_member_sheet

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 27)
CLOCK = FixedClock(datetime(2026, 11, 27, 3, tzinfo=UTC))
VN = org_unit("vn", UnitLevel.CENTRAL)
ROWS_PER_SHEET = {
    "Đơn vị": 6,
    "Đoàn viên": 20,
    "Sinh hoạt chi đoàn": 33,
    "Kế hoạch": 1,
    "Hoạt động": 5,
    "Công trình thanh niên": 1,
    "Tham mưu, đề xuất": 2,
    "Quy chế phối hợp": 1,
    "Hoạt động phối hợp": 2,
    "Xếp loại đoàn viên": 20,
    "Giới thiệu kết nạp Đảng": 1,
    "Báo cáo": 32,
}


def founded(path: str, level: UnitLevel, day: date) -> OrgUnit:
    return replace(org_unit(path, level), registered_at=start_of_day(day))


DISTRICT_UNIT = founded(f"vn.{PROVINCE}.{DISTRICT}", UnitLevel.DISTRICT, date(1961, 3, 26))
UNION_UNIT = founded(f"{DISTRICT_UNIT.path}.{UNION}", UnitLevel.GRASSROOTS, date(1976, 3, 26))


def known(
    *,
    role: Role = Role.ADMIN,
    scope: OrgUnit = VN,
    units: tuple[OrgUnit, ...] = (VN,),
    acting: OrgUnit = VN,
    histories: dict[str, tuple[Any, ...]] | None = None,
) -> Known:
    return Known(
        scope=scope,
        units={u.unit_id: u for u in units},
        histories=histories or {},
        taken_member_ids=frozenset(histories or ()),
        unit_events={},
        today=TODAY,
        role=role,
        acting_unit=acting,
    )


def cells(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The sheets as the template writes them, without the file (the file's own reading is tested below)."""
    return {
        sheet.title: [
            tuple(c.header for c in sheet.columns),
            *(
                tuple(template_value(sheet, c.key, row.get(c.key)) for c in sheet.columns)
                for row in rows[sheet.key]
            ),
        ]
        for sheet in SHEETS
        if sheet.key in rows
    }


def read(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[Row]]:
    found, errors = read_sheets(cells(rows), OWN)
    assert errors == []
    return found


@cache
def example_file() -> bytes:
    return write_workbook(example_rows(YEAR))


def check(rows: dict[str, list[dict[str, Any]]], state: Known | None = None) -> Plan:
    return plan_import(state or known(), read(rows))


def where(error: CellError) -> tuple[str, int, str, str]:
    return error.sheet, error.row, error.column, error.header


def test_the_example_checks_clean_and_is_sent_in_dependency_order() -> None:
    plan = check(example_rows(YEAR))
    assert plan.errors == ()
    assert plan.rows == ROWS_PER_SHEET
    assert len(plan.steps) == 136 and len({s.key for s in plan.steps}) == 136
    assert [s.phase for s in plan.steps] == sorted(s.phase for s in plan.steps)
    registered = [s.body["unit_id"] for s in plan.steps if s.command == "RegisterUnit"]
    assert registered == [PROVINCE, DISTRICT, UNION, *(b for b, _, _ in BRANCHES)], "parents first"
    meeting = next(i for i, s in enumerate(plan.steps) if s.command == "HoldMeeting")
    assert all(s.phase is not Phase.MEMBERS for s in plan.steps[meeting:]), (
        "members before meetings name them"
    )
    assert plan.steps[-1].command == "SubmitSelfAssessment"
    assert [s.key for s in check(example_rows(YEAR)).steps] == [s.key for s in plan.steps], (
        "same rows, same keys"
    )


def test_a_meeting_counts_the_branch_as_it_was_on_the_day() -> None:
    plan = check(example_rows(YEAR))
    expected = {
        s.body["held_on"][:7]: s.body["expected_count"]
        for s in plan.steps
        if s.command == "HoldMeeting" and s.path == f"/branches/{NEW_BRANCH}/meetings"
    }
    # The new branch's first four members joined on 1, 4, 7 and 10 April; the fifth on 12 June.
    assert expected == {
        f"{YEAR}-04": 2,
        f"{YEAR}-05": 4,
        f"{YEAR}-06": 4,
        **{f"{YEAR}-{m:02d}": 5 for m in range(7, 13)},
    }


def commands_by_name(table: CommandTable, module: Any) -> dict[str, Any]:
    return {
        name: table.handling(object.__new__(kind)).permission
        for name, kind in vars(module).items()
        if isinstance(kind, type) and issubclass(kind, Command) and kind in table
    }


def test_every_step_asks_the_permission_its_services_table_asks() -> None:
    membership = Membership(
        InMemoryEventStore("membership"), InMemoryUnitDirectory(), CLOCK, InMemoryKeyRing()
    )
    planning = InMemoryPlanningHandlers(InMemoryEventStore("planning"), InMemoryUnitDirectory(), clock=CLOCK)
    recognition = InMemoryRecognitionHandlers(InMemoryEventStore("evaluation"), clock=CLOCK)
    tables = {
        "membership": commands_by_name(membership_table(membership), membership_commands),
        "planning": commands_by_name(planning.commands, planning_commands),
        "evaluation": commands_by_name(evaluation_table(recognition), evaluation_commands),
    }
    steps = check(example_rows(YEAR)).steps
    assert {s.service for s in steps} == set(tables)
    for step in steps:
        assert tables[step.service][step.command] is step.permission, step.command


def broken(change: str) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """The example with one mistake of the kind ``change``, and the row (as the sheet numbers it) it is in."""
    rows = example_rows(YEAR)
    meetings = rows["meetings"]
    if change == "unknown unit":
        meetings[0]["branch_id"] = f"{UNION}-cd09"
        return rows, 2
    if change == "unit not yet opened":
        index = next(i for i, m in enumerate(meetings) if m["branch_id"] == NEW_BRANCH)
        meetings[index]["held_on"] = date(YEAR, 3, 20)
        return rows, index + 2
    if change == "member not in that branch on that day":
        other = next(m["member_id"] for m in rows["members"] if m["branch_id"] != meetings[0]["branch_id"])
        meetings[0]["attendees"] = (*meetings[0]["attendees"], other)
        return rows, 2
    rows["members"][4]["member_id"] = rows["members"][1]["member_id"]
    return rows, 6


ERRORS = {
    "unknown unit": ("Sinh hoạt chi đoàn", "B", "Mã chi đoàn", "is neither registered"),
    "unit not yet opened": ("Sinh hoạt chi đoàn", "C", "Ngày sinh hoạt", "outside the life of unit"),
    "member not in that branch on that day": ("Sinh hoạt chi đoàn", "E", "Đoàn viên có mặt", "was not an active member"),
    "duplicate id": ("Đoàn viên", "A", "Mã đoàn viên", "already in row 3"),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_each_kind_of_error_is_named_by_sheet_row_and_column_and_nothing_is_sent(kind: str) -> None:
    rows, row = broken(kind)
    plan = check(rows)
    sheet, column, header, message = ERRORS[kind]
    assert plan.steps == ()
    assert (sheet, row, column, header) in [where(e) for e in plan.errors], plan.errors
    assert any(message in e.message for e in plan.errors if where(e) == (sheet, row, column, header))


def test_a_cell_that_is_not_a_date_is_named_before_anything_is_checked() -> None:
    rows = example_rows(YEAR)
    rows["members"][3]["birth_date"] = "31/02/2005"
    _, errors = read_sheets(cells(rows), OWN)
    assert [(*where(e), e.value) for e in errors] == [("Đoàn viên", 5, "C", "Ngày sinh", "31/02/2005")]
    assert "DD/MM/YYYY" in errors[0].accepted


def test_a_file_that_is_no_workbook_or_too_long_is_refused_whole() -> None:
    with pytest.raises(DomainError) as refused:
        read_year(b"PK\x03\x04 not really", OWN, 100)
    assert refused.value.rule == "not_a_workbook"
    with pytest.raises(DomainError) as refused:
        read_year(example_file(), OWN, 100)
    assert refused.value.rule == "too_many_rows"


def test_a_sheet_the_template_does_not_have_is_an_error_not_a_silence() -> None:
    sheets = cells(example_rows(YEAR))
    sheets["Xep loai"] = sheets.pop("Xếp loại đoàn viên")
    _, errors = read_sheets(sheets, OWN)
    assert [(e.sheet, e.message) for e in errors] == [("Xep loai", "not a sheet of the template")]


def test_rows_already_recorded_send_nothing() -> None:
    rows = example_rows(YEAR)
    branches = {
        b: founded(f"{UNION_UNIT.path}.{b}", UnitLevel.BRANCH, date(1995, 3, 26)) for b, _, _ in BRANCHES
    }
    branches[NEW_BRANCH] = replace(branches[NEW_BRANCH], registered_at=start_of_day(date(YEAR, 4, 1)))
    province = founded(f"vn.{PROVINCE}", UnitLevel.PROVINCE, date(1961, 3, 26))
    member = rows["members"][0]
    joined = MemberJoined(member_id=member["member_id"], branch_id=member["branch_id"], joined_on=member["joined_on"],
                          admission_decision_ref=member["admission_decision_ref"])  # fmt: skip
    state = known(units=(VN, province, DISTRICT_UNIT, UNION_UNIT, *branches.values()),
                  histories={member["member_id"]: (joined,)})  # fmt: skip
    plan = check(rows, state)
    assert plan.errors == ()
    assert plan.already == {"Đơn vị": 6, "Đoàn viên": 1}
    assert not [s for s in plan.steps if s.command == "RegisterUnit"]
    assert member["member_id"] not in {
        s.body.get("member_id") for s in plan.steps if s.command == "AdmitMember"
    }


def test_a_district_officer_is_told_which_sheets_need_a_role_they_lack() -> None:
    rows = example_rows(YEAR)
    rows["units"] = rows["units"][2:]  # the province and district are registered
    state = known(role=Role.DISTRICT_OFFICER, scope=DISTRICT_UNIT, acting=DISTRICT_UNIT,
                  units=(DISTRICT_UNIT,))  # fmt: skip
    plan = check(rows, state)
    lacking = {(e.sheet, e.message.split("needs the permission ")[1].split(":")[0]) for e in plan.errors}
    assert lacking == {
        ("Sinh hoạt chi đoàn", "record_branch_life"),
        ("Báo cáo", "record_branch_life"),
        ("Báo cáo", "self_assess"),
    }
    assert plan.steps == ()


def test_an_approval_is_recorded_by_the_upper_level() -> None:
    rows = example_rows(YEAR)
    rows["units"] = rows["units"][3:]
    state = known(role=Role.UNION_SECRETARY, scope=UNION_UNIT, acting=UNION_UNIT, units=(UNION_UNIT,))
    plan = check(rows, state)
    assert [
        (where(e), e.message.startswith("an approval is recorded by the upper level")) for e in plan.errors
    ] == [(("Kế hoạch", 2, "F", "Ngày phê duyệt"), True)]


def test_a_member_sheet_of_another_format_is_read_through_its_mapping_file() -> None:
    rows = example_rows(YEAR)
    members = rows.pop("members")
    book = load_workbook(io.BytesIO(write_workbook(rows)))
    del book["Đoàn viên"]
    foreign_member_sheet(book, members)
    out = io.BytesIO()
    book.save(out)
    mapping = parse_mapping((ROOT / "docs/import/mappings/member-export-example.yaml").read_text())
    found, errors = read_year(out.getvalue(), mapping, 100_000)
    assert errors == []
    without_referrers = [
        {k: v for k, v in m.items() if k != "referred_by" and v is not None} for m in members
    ]
    assert [dict(r.values) for r in found["members"]] == without_referrers
    assert {r.source for r in found["members"]} == {"DanhSachDoanVien"}
    assert found["members"][0].number == 3 and found["members"][0].where("birth_date") == (
        "C",
        "Ngày tháng năm sinh",
    )


def test_chudongs_own_template_is_one_of_the_mapping_files() -> None:
    text = (ROOT / "docs/import/mappings/chudong.yaml").read_text()
    assert yaml.safe_load(text) == own_mapping_document()
    content = example_file()
    spelt_out, errors = read_year(content, parse_mapping(text), 100_000)
    assert errors == []
    assert {k: [r.values for r in v] for k, v in spelt_out.items()} == {
        k: [r.values for r in v] for k, v in read_year(content, OWN, 100_000)[0].items()
    }


def test_a_mapping_file_with_mistakes_names_each() -> None:
    text = """
format: broken
sheets:
  Đoàn viên:
    columns: {"Họ tên": "Họ và tên đầy đủ"}
    date_formats: ["%d-%m-%Q"]
  Khen thưởng: {}
"""
    with pytest.raises(MappingError) as refused:
        parse_mapping(text)
    assert len(refused.value.problems) == 3, refused.value.problems


def test_the_template_in_docs_is_the_template() -> None:
    book = load_workbook(ROOT / "docs/import/mau-so-nhap-nam.xlsx", read_only=True)
    headers = {s.title: [c.value for c in next(s.iter_rows(max_row=1))] for s in book.worksheets[1:]}
    assert headers == {sheet.title: [c.header for c in sheet.columns] for sheet in SHEETS}


def test_the_import_documentation_names_every_sheet_and_column() -> None:
    text = (ROOT / "docs/import.md").read_text()
    for sheet in SHEETS:
        assert f"### {sheet.title}" in text, sheet.title
        for column in sheet.columns:
            assert f"| {column.header} | {'yes' if column.required else ''} |" in text, column.header


ODD_CELLS = st.one_of(
    st.none(),
    st.sampled_from(
        ["", " ", "x", "=HYPERLINK(1)", "31/02/2025", "2025-Q5", "Quý 2/2025", "13/2025", "ms-001"]
    ),
    st.integers(-10, 10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(date(1890, 1, 1), date(2200, 1, 1)),
    st.datetimes(datetime(1890, 1, 1), datetime(2200, 1, 1)),
    st.text(max_size=60),
)


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 20), ODD_CELLS), min_size=1, max_size=25))
@settings(max_examples=60, deadline=None)
def test_no_cell_makes_the_check_fail_otherwise_than_by_naming_it(
    changes: list[tuple[int, int, Any]],
) -> None:
    sheets = cells(example_rows(YEAR))
    titles = sorted(sheets)
    for where_to, column, value in changes:
        rows = sheets[titles[where_to % len(titles)]]
        index = 1 + where_to % max(1, len(rows) - 1)
        if index < len(rows) and column < len(rows[index]):
            rows[index] = (*rows[index][:column], value, *rows[index][column + 1 :])
    found, errors = read_sheets(sheets, OWN)
    plan = plan_import(known(), found) if not errors else None
    for error in [*errors, *(plan.errors if plan else ())]:
        assert error.sheet in titles and error.message and error.accepted is not None
