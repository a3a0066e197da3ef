"""Member lists in and out of xlsx: every bad row named by row and column, nothing written unless all rows pass;
a re-import updates instead of duplicating."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from bench.membership_import import BAD_ROWS, BRANCHES, member_rows, member_sheet
from services.membership.adapters.spreadsheet import write_rows
from shared.bus.nats_server import EmbeddedNats
from tests.membership_api import Membership, admission, membership_service

XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@pytest.fixture
async def svc(nats_server: EmbeddedNats, tmp_path: Path) -> AsyncIterator[Membership]:
    async with membership_service(tmp_path, nats_server.url) as service:
        for branch in BRANCHES[:3]:
            body = {
                "unit_id": branch,
                "name": branch,
                "level": "branch",
                "unit_type": "school",
                "parent_id": "pl-x",
            }
            await service.accept("/units", body)
        yield service


def sheet(rows: list[dict[str, Any]]) -> bytes:
    return write_rows(rows, "Danh sách")


async def post_sheet(svc: Membership, content: bytes, unit: str = "pl-x", key: str | None = None) -> Any:
    headers = {**svc.token(), **XLSX, **({"Idempotency-Key": key} if key else {})}
    return await svc.client.post(f"/units/{unit}/members/import", content=content, headers=headers)


async def import_and_check(svc: Membership, count: int, bad: tuple[int, ...]) -> None:
    branches = BRANCHES[:3]
    before = await svc.head()
    refused = await post_sheet(svc, sheet(member_rows(count, branches, bad)))
    assert refused.status_code == 422 and refused.json()["error"] == "import_rejected", refused.text
    errors = refused.json()["detail"]
    assert sorted((e["row"], e["column"]) for e in errors) == sorted(
        zip([i + 2 for i in sorted(bad)], ["C", "J", "B"], strict=True)
    )
    assert {e["field"] for e in errors} == {"Ngày sinh", "Mã chi đoàn", "Họ và tên"}
    assert await svc.head() == before, "a sheet with bad rows must write nothing"
    imported = await post_sheet(svc, sheet(member_rows(count, branches)))
    assert imported.status_code == 201, imported.text
    assert imported.json()["admitted"] == count and await svc.head() == before + count
    listed = (await svc.client.get("/units/pl-x/members?limit=1", headers=svc.token())).json()
    assert listed["total"] == count


async def test_a_sheet_with_bad_rows_names_each_by_row_and_column_and_writes_nothing(svc: Membership) -> None:
    await import_and_check(svc, 60, (7, 31, 58))


async def test_a_re_import_updates_members_instead_of_duplicating_them(svc: Membership) -> None:
    rows = member_rows(20, BRANCHES[:3])
    assert (await post_sheet(svc, sheet(rows))).json()["admitted"] == 20
    again = (await post_sheet(svc, sheet(rows), key="same-sheet")).json()
    assert again == {**again, "admitted": 0, "updated": 0, "unchanged": 20}
    exported = await svc.client.get("/units/pl-x/members/export", headers=svc.token())
    book = load_workbook(io.BytesIO(exported.content))
    header, *lines = list(book.active.iter_rows(values_only=True))
    assert len(lines) == 20 and header[1] == "Họ và tên"
    ids = {line[1]: line[0] for line in lines}
    changed = [dict(r, address="Phường Mới") if i < 5 else r for i, r in enumerate(rows)]
    changed[6] = dict(rows[6], member_id=ids[rows[6]["full_name"]], phone="0900000000")
    updated = (await post_sheet(svc, sheet(changed))).json()
    assert (updated["admitted"], updated["updated"], updated["unchanged"]) == (0, 6, 14)
    listed = (
        await svc.client.get("/units/pl-x/members?with_profile=true&limit=100", headers=svc.token())
    ).json()
    assert listed["total"] == 20
    assert sum(1 for m in listed["items"] if m["profile"]["address"] == "Phường Mới") == 5
    moved = [dict(rows[0], branch_id=BRANCHES[(BRANCHES.index(rows[0]["branch_id"]) + 1) % 3])]
    refused = (await post_sheet(svc, sheet(moved))).json()
    assert refused["detail"][0]["field"] == "Mã chi đoàn" and "transfer" in refused["detail"][0]["message"]


async def test_a_file_that_is_not_a_member_list_is_refused(svc: Membership) -> None:
    assert (await post_sheet(svc, b"not a workbook")).json()["error"] == "not_a_member_list"
    book, out = Workbook(), io.BytesIO()
    book.active.append(["Tên", "Tuổi"])
    book.save(out)
    answer = (await post_sheet(svc, out.getvalue())).json()
    assert answer["error"] == "not_a_member_list" and "Họ và tên" in answer["detail"][0]["value"]


@pytest.mark.slow
async def test_a_5000_row_sheet_with_three_bad_rows_names_exactly_those_and_the_clean_sheet_imports(
    svc: Membership,
) -> None:
    assert member_sheet(10)  # the bench's own sheet builder stays in step with the import
    await import_and_check(svc, 5_000, BAD_ROWS)


async def test_the_export_holds_names_a_workbook_cannot_take_as_they_are(svc: Membership) -> None:
    # A sheet's title refuses []:*?/\ and a cell refuses control characters; names are free text.
    await svc.accept("/units/pl-x/name", {"name": "Đoàn [Trường] THPT: 1/2\x07"})
    await svc.accept("/members", {**admission("odd-1", name="Lò Văn\x01 Páo"), "branch_id": BRANCHES[0]})
    exported = await svc.client.get("/units/pl-x/members/export", headers=svc.token())
    assert exported.status_code == 200, exported.text
    book = load_workbook(io.BytesIO(exported.content))
    assert book.active.title == "Đoàn Trường THPT 12"
    names = [line[1] for line in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Lò Văn Páo"]
