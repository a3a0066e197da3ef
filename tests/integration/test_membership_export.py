"""The member export survives any name already in the store: formulas stay text, and a control character
in a member's name or a ':' in a unit's name fails neither the union's export nor those above it."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chudong.nats.server import EmbeddedNats
from services.membership.adapters.keys import seal
from services.membership.adapters.spreadsheet import XLSX
from services.membership.domain.streams import member_stream, unit_stream
from shared.contracts import membership as ms
from shared.events import NewEvent
from shared.store import StreamAppend
from tests.membership_api import TODAY, Membership, admission, membership_service

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"]
CONTROLS = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
ODD_UNIT_NAME = "a:b?c*d/e[f]"


@pytest.fixture
async def svc(nats_server: EmbeddedNats, tmp_path: Path) -> AsyncIterator[Membership]:
    async with membership_service(tmp_path, nats_server.url) as service:
        yield service


async def record_as_older_data(svc: Membership, names: dict[str, str], unit_name: str) -> None:
    """Names the API refuses today but older events may hold, appended to the store as they were."""
    runtime, membership = svc.app.state.runtime, svc.app.state.membership
    keys = await membership.keys.keys(names)
    branch = await runtime.directory.path_of("pl-x-1")
    for member_id, name in names.items():
        fields = {"full_name": name, "birth_date": "2000-05-10", "address": name}
        event = ms.MemberProfileUpdated(
            member_id=member_id, profile=seal(member_id, keys[member_id], fields), birth_year=2000
        )
        stream = member_stream(member_id)
        await runtime.store.append(
            StreamAppend(stream, [NewEvent(stream, event, branch, TODAY)]), actor="tests"
        )
    union = await runtime.directory.path_of("pl-x")
    renamed = NewEvent(unit_stream("pl-x"), ms.UnitRenamed(unit_id="pl-x", name=unit_name), union, TODAY)
    await runtime.store.append(StreamAppend(renamed.stream_id, [renamed]), actor="tests")


async def test_names_older_records_may_hold_export_as_text_for_the_union_and_every_unit_above(
    svc: Membership,
) -> None:
    names = {f"m-{n}": name for n, name in enumerate([*FORMULAS, f"Nguyễn{CONTROLS}Văn An"])}
    for member_id in names:
        await svc.accept("/members", admission(member_id))
    await record_as_older_data(svc, names, f"{ODD_UNIT_NAME}{CONTROLS}")
    expected = [*FORMULAS, "NguyễnVăn An"]
    for unit in ("pl-x", "bg-pl", "bg"):
        exported = await svc.client.get(f"/units/{unit}/members/export", headers=svc.token())
        assert exported.status_code == 200, (unit, exported.text)
        sheet = load_workbook(io.BytesIO(exported.content)).active
        header, *rows = list(sheet.iter_rows())
        assert header[1].value == "Họ và tên"
        assert sorted((row[1].value, row[1].data_type) for row in rows) == sorted(
            (name, "s") for name in expected
        )
        assert sorted(row[8].value for row in rows) == sorted(expected)  # the address too
        assert all(cell.data_type != "f" for row in rows for cell in row)
        if unit == "pl-x":
            assert sheet.title == "a-b-c-d-e(f)" and sheet.oddHeader.center.text == ODD_UNIT_NAME
        else:
            assert sheet.title == f"Đơn vị {unit}"


async def test_the_member_list_is_in_words_with_dates_a_filtered_header_and_imports_again_as_it_is(
    svc: Membership,
) -> None:
    await svc.accept("/members", admission("m-a", gender="male", ethnicity="Kinh", address="Phước Long"))
    await svc.accept("/members", admission("m-b", "pl-x-2", born="2001-02-03", gender="female"))
    exported = await svc.client.get("/units/pl-x/members/export", headers=svc.token())
    assert exported.status_code == 200, exported.text
    sheet = load_workbook(io.BytesIO(exported.content)).active
    header, *rows = [[c for c in row] for row in sheet.iter_rows()]
    names = [c.value for c in header]
    assert names[:4] == ["Mã đoàn viên", "Họ và tên", "Ngày sinh", "Giới tính"]
    assert names[-3:] == ["Ngày vào Đoàn", "Số quyết định kết nạp", "Trạng thái"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:M3"
    by_member = {row[0].value: {n: c for n, c in zip(names, row, strict=True)} for row in rows}
    first = by_member["m-a"]
    assert (first["Giới tính"].value, first["Trạng thái"].value) == ("Nam", "Đang sinh hoạt")
    assert by_member["m-b"]["Giới tính"].value == "Nữ"
    for column in ("Ngày sinh", "Ngày vào Đoàn"):
        assert first[column].is_date and first[column].number_format == "dd/mm/yyyy", column
    assert by_member["m-b"]["Ngày sinh"].value.date().isoformat() == "2001-02-03"

    english = await svc.client.get("/units/pl-x/members/export", params={"lang": "en"}, headers=svc.token())
    sheet_en = load_workbook(io.BytesIO(english.content)).active
    header_en, *rows_en = list(sheet_en.iter_rows(values_only=True))
    assert header_en[:4] == ("Member id", "Full name", "Date of birth", "Gender")
    assert {(r[0], r[3], r[-1]) for r in rows_en} == {("m-a", "Male", "Active"), ("m-b", "Female", "Active")}

    # Either file imports again as it is: the words and dates read back as the records hold them.
    for content in (exported.content, english.content):
        headers = {**svc.token(), "Content-Type": XLSX}
        again = await svc.client.post("/units/pl-x/members/import", content=content, headers=headers)
        assert again.status_code == 201, again.text
        assert (again.json()["admitted"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 2)
