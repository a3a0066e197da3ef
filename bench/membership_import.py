"""``python -m bench.membership_import``: a unit's member list imported from xlsx, through the HTTP API.

Measures a clean sheet (every row admitted, in one append), the same sheet with three bad rows
(checked and refused, nothing written), a re-import of the clean sheet (nothing changes) and the export.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

import shared.contracts  # noqa: F401
from bench import report
from bench.infra import nats, postgres_url
from bench.timing import Figure
from services.membership.adapters.spreadsheet import write_rows
from services.membership.main import create_app
from shared.auth import Role, mint_token
from shared.settings import CommonSettings

SIZES = {"tiny": 50, "standard": 5_000}
SECRET = "b" * 32
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNION = "bench-dcs"
BRANCHES = [f"bench-dcs-{i}" for i in range(1, 41)]
BAD_ROWS = (17, 2_001, 4_999)
"""Row indexes (0-based, before the header) spoiled in the rejected sheet: too young, unknown branch, no name."""


def member_rows(
    count: int, branches: Sequence[str] = BRANCHES, bad: Sequence[int] = ()
) -> list[dict[str, Any]]:
    """``count`` members across ``branches``; rows whose index is in ``bad`` break one rule each."""
    rows: list[dict[str, Any]] = []
    for i in range(count):
        row: dict[str, Any] = {
            "full_name": f"Nguyễn Văn Thành {i}",
            "birth_date": date(1996, 1, 1) + timedelta(days=(i * 37) % 3650),
            "gender": "Nam" if i % 2 else "Nữ",
            "ethnicity": "Kinh" if i % 7 else "Tày",
            "address": f"Thôn {i % 12 + 1}, xã Phước Long",
            "phone": f"09{i:08d}",
            "branch_id": branches[i % len(branches)],
            "joined_on": date(2024, 3, 26),
            "admission_decision_ref": f"QĐ {i}/QĐ-ĐTN",
        }
        kind = sorted(bad).index(i) % 3 if i in bad else None
        if kind == 0:
            row["birth_date"] = date(2012, 5, 1)
        elif kind == 1:
            row["branch_id"] = "no-such-branch"
        elif kind == 2:
            row["full_name"] = None
        rows.append(row)
    return rows


def member_sheet(count: int, bad: Sequence[int] = ()) -> bytes:
    return write_rows(member_rows(count, bad=[b for b in bad if b < count]), "Danh sách đoàn viên")


def headers(role: Role = Role.ADMIN, unit: str = "vn") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(SECRET, subject='bench', role=role, unit_id=unit)}"}


@asynccontextmanager
async def membership(nats_url: str, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A membership service in this process with one province, district, union and 40 branches."""
    with tempfile.TemporaryDirectory(prefix="chudong-bench-membership-") as data:
        os.environ["MEMBERSHIP_DATABASE_URL"] = database_url
        app = create_app(CommonSettings(data_dir=Path(data), nats_url=nats_url, jwt_secret=SECRET))
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=600) as client,
        ):
            tree = [
                ("bench-p", "vn", "province"),
                ("bench-d", "bench-p", "district"),
                (UNION, "bench-d", "grassroots"),
            ]
            tree += [(b, UNION, "branch") for b in BRANCHES]
            for unit, parent, level in tree:
                body = {
                    "unit_id": unit,
                    "name": unit,
                    "level": level,
                    "unit_type": "enterprise",
                    "parent_id": parent,
                    "established_on": "2000-01-01",  # before the members' admissions
                }
                answer = await client.post("/units", json=body, headers=headers())
                assert answer.status_code == 201, answer.text
            yield client


async def run(count: int, database_url: str, backend: str) -> list[Figure]:
    clean, spoiled = member_sheet(count), member_sheet(count, BAD_ROWS)
    send = {**headers(), "Content-Type": XLSX}
    path = f"/units/{UNION}/members/import"
    async with nats() as (url, _), membership(url, database_url) as client:
        start = time.perf_counter()
        refused = await client.post(path, content=spoiled, headers=send)
        refused_s = time.perf_counter() - start
        assert refused.status_code == 422, refused.text
        start = time.perf_counter()
        imported = await client.post(path, content=clean, headers=send)
        clean_s = time.perf_counter() - start
        assert imported.status_code == 201 and imported.json()["admitted"] == count, imported.text
        start = time.perf_counter()
        again = await client.post(path, content=clean, headers=send)
        again_s = time.perf_counter() - start
        assert again.json()["unchanged"] == count, again.text
        start = time.perf_counter()
        exported = await client.get(f"/units/{UNION}/members/export", headers=headers())
        export_s = time.perf_counter() - start
        assert exported.status_code == 200
    label = f"{count:,} rows, {backend}"
    return [
        Figure(f"import a clean sheet ({label})", clean_s, "s", [clean_s], f"{count / clean_s:,.0f} rows/s"),
        Figure(f"refuse a sheet with 3 bad rows ({label})", refused_s, "s", [refused_s]),
        Figure(f"re-import the same sheet, nothing changes ({label})", again_s, "s", [again_s]),
        Figure(f"export the member list ({label})", export_s, "s", [export_s]),
    ]


async def measure(count: int) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="chudong-bench-") as data:
        figures = await run(count, f"sqlite+aiosqlite:///{Path(data) / 'membership.db'}", "SQLite")
    async with postgres_url() as pg:
        if pg is not None:
            figures += await run(count, pg, "PostgreSQL")
    return figures


def section(size: str) -> report.Section:
    load = os.getloadavg()[0]
    figures = asyncio.run(measure(SIZES[size]))
    notes = [
        f"Load average when the run began: {load:.1f} (the machine is shared). Each figure is one run, through",
        "the HTTP API in process; reading and writing the xlsx (openpyxl) is part of every figure.",
    ]
    return "Membership: member list import and export (xlsx)", figures, notes


def main() -> None:
    report.cli("bench.membership_import", SIZES, section)


if __name__ == "__main__":
    main()
