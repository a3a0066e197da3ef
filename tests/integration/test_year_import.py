"""The year import over membership's HTTP API: a workbook with mistakes answered 422 with each one named
by sheet, row and column and nothing written; a member list of another format brought in through its
mapping file, recorded as happened on its own days and known from the day of the import; imported again,
nothing more is written."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from chudong.nats.server import EmbeddedNats
from chudong.year_example import DISTRICT, NEW_BRANCH, UNION, example_rows
from services.membership.adapters.year_workbook import write_workbook
from shared.clock import local_date, start_of_day, utcnow
from tests.membership_api import Membership, membership_service
from tests.support import wait_until
from tests.year_workbooks import YEAR, foreign_member_sheet

ROOT = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def svc(nats_server: EmbeddedNats, tmp_path: Path) -> AsyncIterator[Membership]:
    async with membership_service(tmp_path, nats_server.url) as service:
        imports = service.app.state.year_imports
        imports.transport = httpx.ASGITransport(app=service.app)  # its steps come back to it, in process
        imports.urls["membership"] = "http://membership"
        yield service


async def post(
    svc: Membership, content: bytes, *, mapping: bytes | None = None, **params: Any
) -> httpx.Response:
    files = {"workbook": ("nam.xlsx", content, XLSX)}
    if mapping is not None:
        files["mapping"] = ("mapping.yaml", mapping, "application/yaml")
    return await svc.client.post("/units/vn/year-imports", files=files, params=params, headers=svc.token())


async def finished(svc: Membership, job: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = job

    async def ended() -> bool:
        nonlocal state
        state = (await svc.client.get(f"/year-imports/{job['job_id']}", headers=svc.token())).json()
        return bool(state["status"] != "sending")

    await wait_until(ended, timeout=60, what="the import to end")
    return state


def member_list_of_another_format() -> bytes:
    """The example's tree in the template, and its members as another system exports them."""
    rows = example_rows(YEAR)
    members = rows["members"]
    book = load_workbook(io.BytesIO(write_workbook({"units": rows["units"]})))
    for title in [t for t in book.sheetnames if t not in ("Hướng dẫn", "Đơn vị")]:
        del book[title]
    foreign_member_sheet(book, members)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_member_list_of_another_format_comes_in_through_its_mapping_and_again_writes_nothing(
    svc: Membership,
) -> None:
    mapping = (ROOT / "docs/import/mappings/member-export-example.yaml").read_bytes()
    content = member_list_of_another_format()
    before = await svc.head()
    answer = await post(svc, content, mapping=mapping)
    assert answer.status_code == 202, answer.text
    assert answer.headers["Location"] == f"/year-imports/{answer.json()['job_id']}"
    job = await finished(svc, answer.json())
    assert (job["status"], job["total"], job["recorded"]) == ("done", 26, 26), job
    assert await svc.head() == before + 26, "six units and twenty members"
    listed = (await svc.client.get(f"/units/{UNION}/members", headers=svc.token())).json()
    assert listed["total"] == 20
    history = (await svc.client.get("/members/ms-016/history", headers=svc.token())).json()
    joined = history[0]
    assert joined["occurred_at"] == start_of_day(date(YEAR, 4, 1)).isoformat(), "as it happened"
    recorded = date.fromisoformat(joined["recorded_at"][:10])
    assert local_date(utcnow()) - recorded <= timedelta(days=1), "known from the day of the import"

    again = await post(svc, content, mapping=mapping)
    assert again.status_code == 202, again.text
    assert again.json()["total"] == 0
    assert {s["sheet"]: s["already_recorded"] for s in again.json()["plan"]["sheets"]} == {
        "Đơn vị": 6,
        "DanhSachDoanVien": 20,
    }
    assert (await finished(svc, again.json()))["status"] == "done"
    assert await svc.head() == before + 26, "imported again, nothing more is written"


def with_mistakes() -> bytes:
    rows = example_rows(YEAR)
    meetings = rows["meetings"]
    meetings[0]["branch_id"] = f"{UNION}-cd09"  # an unknown unit
    opened = next(i for i, m in enumerate(meetings) if m["branch_id"] == NEW_BRANCH)
    meetings[opened]["held_on"] = date(YEAR, 3, 20)  # before the branch was founded
    other = next(m["member_id"] for m in rows["members"] if m["branch_id"] == NEW_BRANCH)
    meetings[1]["attendees"] = (*meetings[1]["attendees"], other)  # not in that branch that day
    rows["members"].append(dict(rows["members"][1]))  # the same member twice
    return write_workbook(rows)


async def test_every_mistake_is_named_by_sheet_row_and_column_and_nothing_is_written(svc: Membership) -> None:
    before = await svc.head()
    answer = await post(svc, with_mistakes())
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["error"] == "import_rejected"
    named = {(d["sheet"], d["row"], d["column"], d["field"]): d["message"] for d in body["detail"]}
    opened = next(i for i, m in enumerate(example_rows(YEAR)["meetings"]) if m["branch_id"] == NEW_BRANCH) + 2
    expected = {
        ("Đoàn viên", 22, "A", "Mã đoàn viên"): "is already in row 3",
        (
            "Sinh hoạt chi đoàn",
            2,
            "B",
            "Mã chi đoàn",
        ): "is neither registered within 'vn' nor in the sheet Đơn vị",
        ("Sinh hoạt chi đoàn", 3, "E", "Đoàn viên có mặt"): "was not an active member of",
        ("Sinh hoạt chi đoàn", opened, "C", "Ngày sinh hoạt"): "is outside the life of unit",
    }
    assert set(named) == set(expected), body["detail"]
    assert all(part in named[where] for where, part in expected.items()), body["detail"]
    assert all({"value", "message", "accepted"} <= set(d) for d in body["detail"])
    assert await svc.head() == before, "a workbook with mistakes writes nothing"


async def test_a_cell_that_does_not_read_is_named_and_nothing_is_written(svc: Membership) -> None:
    rows = example_rows(YEAR)
    rows["members"][3]["birth_date"] = "31/02/2005"
    before = await svc.head()
    answer = await post(svc, write_workbook(rows))
    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert (error["sheet"], error["row"], error["column"], error["field"], error["value"]) == (
        "Đoàn viên", 5, "C", "Ngày sinh", "31/02/2005",
    )  # fmt: skip
    assert await svc.head() == before
    unreadable = await svc.client.post(
        "/units/vn/year-imports", content=b"no workbook", headers={**svc.token(), "Content-Type": XLSX}
    )
    assert (unreadable.status_code, unreadable.json()["error"]) == (422, "not_a_workbook")


async def test_a_dry_run_says_what_would_be_sent_and_sends_nothing(svc: Membership) -> None:
    before = await svc.head()
    answer = await post(svc, write_workbook(example_rows(YEAR)), dry_run="true")
    assert answer.status_code == 200, answer.text
    assert (answer.json()["rows"], answer.json()["steps"]) == (124, 136)
    assert await svc.head() == before


async def test_an_import_is_followed_only_within_its_scope(svc: Membership) -> None:
    mapping = (ROOT / "docs/import/mappings/member-export-example.yaml").read_bytes()
    job = (await post(svc, member_list_of_another_format(), mapping=mapping)).json()
    await finished(svc, job)
    elsewhere = await svc.client.get(
        f"/year-imports/{job['job_id']}", headers=svc.token("district_officer", "bg-pl")
    )
    unknown = await svc.client.get("/year-imports/imp-nothing", headers=svc.token())
    assert (elsewhere.status_code, unknown.status_code) == (404, 404)
    assert elsewhere.json()["error"] == unknown.json()["error"] == "unknown_import"


async def test_a_union_secretary_imports_into_their_union_only(svc: Membership) -> None:
    rows = example_rows(YEAR)
    tree = await post(svc, write_workbook({"units": rows["units"], "members": rows["members"]}))
    assert (await finished(svc, tree.json()))["status"] == "done"
    secretary = svc.token("union_secretary", UNION)
    ratings = write_workbook({"ratings": rows["ratings"]})
    files = {"workbook": ("xep-loai.xlsx", ratings, XLSX)}

    outside = await svc.client.post(f"/units/{DISTRICT}/year-imports", files=files, headers=secretary)
    assert (outside.status_code, outside.json()["error"]) == (404, "unknown_unit")

    before = await svc.head()
    answer = await svc.client.post(f"/units/{UNION}/year-imports", files=files, headers=secretary)
    assert answer.status_code == 202, answer.text
    job = answer.json()
    state: dict[str, Any] = job

    async def ended() -> bool:
        nonlocal state
        state = (await svc.client.get(f"/year-imports/{job['job_id']}", headers=secretary)).json()
        return bool(state["status"] != "sending")

    await wait_until(ended, timeout=60, what="the ratings recorded")
    assert (state["status"], state["recorded"]) == ("done", 20), state
    assert await svc.head() == before + 20

    elsewhere = [{**rows["ratings"][0], "member_id": "m-of-another-union"}]
    refused = await svc.client.post(
        f"/units/{UNION}/year-imports",
        files={"workbook": ("x.xlsx", write_workbook({"ratings": elsewhere}), XLSX)},
        headers=secretary,
    )
    assert refused.status_code == 422
    assert "is neither admitted within" in refused.json()["detail"][0]["message"]
