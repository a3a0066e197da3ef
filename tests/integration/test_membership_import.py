"""Member lists in and out of xlsx: every bad row named by row and column, nothing written unless all rows pass;
a re-import updates instead of duplicating."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from openpyxl import Workbook, load_workbook

from bench.membership_import import BAD_ROWS, BRANCHES, member_rows, member_sheet
from chudong.nats.server import EmbeddedNats
from services.membership.adapters.spreadsheet import COLUMNS, write_rows
from services.membership.main import create_app
from shared.settings import CommonSettings
from tests.membership_api import SECRET, TREE, Membership, membership_service
from tests.support import FOUNDED, token_for, unit_body, wait_until

XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def branch(unit_id: str) -> dict[str, str]:
    return {
        "unit_id": unit_id,
        "name": unit_id,
        "level": "branch",
        "unit_type": "school",
        "parent_id": "pl-x",
        "established_on": FOUNDED.isoformat(),
    }


@pytest.fixture
async def svc(nats_server: EmbeddedNats, tmp_path: Path) -> AsyncIterator[Membership]:
    async with membership_service(tmp_path, nats_server.url) as service:
        for unit_id in BRANCHES[:3]:
            await service.accept("/units", branch(unit_id))
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


async def test_a_sheet_past_the_row_cap_is_refused_naming_the_sheet_and_the_cap(
    nats_server: EmbeddedNats, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEMBERSHIP_IMPORT_MAX_ROWS", "30")
    async with membership_service(tmp_path, nats_server.url) as capped:
        for unit_id in BRANCHES[:3]:
            await capped.accept("/units", branch(unit_id))
        before = await capped.head()
        refused = await post_sheet(capped, sheet(member_rows(31, BRANCHES[:3])))
        assert refused.status_code == 422 and refused.json()["error"] == "too_many_rows", refused.text
        detail = refused.json()["detail"][0]
        assert "Danh sách" in detail["value"] and "30" in detail["accepted"]
        assert "MEMBERSHIP_IMPORT_MAX_ROWS" in detail["accepted"]
        blank_tail = Workbook()
        blank_tail.active.append([header for _, header, _ in COLUMNS])
        blank_tail.active.cell(row=200, column=1, value=" ")  # blank rows a sheet declares count too
        out = io.BytesIO()
        blank_tail.save(out)
        assert (await post_sheet(capped, out.getvalue())).json()["error"] == "too_many_rows"
        assert await capped.head() == before
        imported = await post_sheet(capped, sheet(member_rows(30, BRANCHES[:3])))
        assert imported.status_code == 201 and imported.json()["admitted"] == 30, imported.text


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """``app`` under uvicorn on a free port, in a thread with its own event loop: whatever stalls the
    service's loop cannot stall the test's client (and its timeouts)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, name="membership-under-test", daemon=True)
    thread.start()
    try:
        await wait_until(lambda: server.started, timeout=30, what="uvicorn serving")
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 30)


async def test_healthz_keeps_answering_all_through_a_large_import(
    nats_server: EmbeddedNats, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEMBERSHIP_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'membership.db'}")
    app = create_app(CommonSettings(data_dir=tmp_path, nats_url=nats_server.url, jwt_secret=SECRET))
    admin = token_for(SECRET, "admin", "vn")
    content = await asyncio.to_thread(sheet, member_rows(5_000, BRANCHES[:3]))
    async with (
        served(app) as url,
        httpx.AsyncClient(base_url=url, headers=admin, timeout=120) as client,
        # Parsed on the loop, the import held it for the whole import (tens of seconds at this size);
        # the probe's bound leaves room for a loaded test machine while still catching that.
        httpx.AsyncClient(base_url=url, timeout=5.0) as probe,
    ):
        tree = [unit_body(u, p, lv) for u, p, lv in TREE]
        for unit in [*tree[:4], *map(branch, BRANCHES[:3])]:
            assert (await client.post("/units", json=unit)).status_code == 201
        importing = asyncio.create_task(
            client.post("/units/pl-x/members/import", content=content, headers=XLSX)
        )
        answered_meanwhile = 0
        while not importing.done():
            health = await probe.get("/healthz")  # a loop stalled for seconds fails here: ReadTimeout
            assert health.status_code == 200, health.text
            answered_meanwhile += not importing.done()
        imported = await importing
        assert imported.status_code == 201 and imported.json()["admitted"] == 5_000, imported.text
        assert answered_meanwhile >= 3
