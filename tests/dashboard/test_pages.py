"""The dashboard's pages and exports over evaluation's real API, both in process, fed through JetStream."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext
from openpyxl import load_workbook
from pypdf import PdfReader

from chudong.nats.server import EmbeddedNats
from services.dashboard.main import create_app as create_dashboard
from services.dashboard.settings import DashboardSettings
from services.evaluation.main import create_app as create_evaluation
from shared.clock import VIETNAM, FixedClock
from shared.contracts import membership as ms
from shared.contracts.org import UnitLevel, UnitType
from shared.events import NewEvent
from shared.settings import CommonSettings
from tests.evaluation.conftest import SECRET, Evaluation
from tests.evaluation.history import Tree, at
from tests.evaluation.sources import Sources
from tests.support import token_for, wait_until


@dataclass
class Pages:
    client: httpx.AsyncClient
    evaluation: Evaluation
    tree: Tree
    dashboard: FastAPI

    def officer(self, unit: str = "bg-pl", role: str = "district_officer") -> dict[str, str]:
        return token_for(SECRET, role, unit)


@pytest.fixture
async def pages(
    nats_server: EmbeddedNats, js: JetStreamContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Pages]:
    monkeypatch.setenv("EVALUATION_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'evaluation.db'}")
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'dashboard.db'}")
    common = CommonSettings(data_dir=tmp_path, nats_url=nats_server.url, jwt_secret=SECRET)
    clock = FixedClock(datetime(2026, 11, 2, 5, 0, tzinfo=UTC))
    evaluation = create_evaluation(common, clock=clock)
    dashboard = create_dashboard(
        common,
        settings=DashboardSettings(evaluation_url="http://ev", notifications_url="http://nt"),
        transport=httpx.ASGITransport(app=evaluation),
    )
    sources = await Sources(tmp_path, js).start()
    tree, other = Tree(), Tree(district="bg-lg", union="dcs-9")
    async with (
        evaluation.router.lifespan_context(evaluation),
        dashboard.router.lifespan_context(dashboard),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=evaluation), base_url="http://ev") as ev,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=dashboard), base_url="http://dash") as client,
    ):
        await sources.record([*tree.registrations(), *other.registrations()[2:]])
        # Both branches meet every month to May; from June branch 2 stops meeting.
        await sources.record(tree.meetings_until(6))
        state = Evaluation(evaluation, ev, sources, js, clock)
        await state.settled()

        async def dashboard_knows_the_tree() -> bool:
            return await dashboard.state.runtime.directory.get("dcs-9") is not None

        await wait_until(dashboard_knows_the_tree, what="the dashboard's org tree")
        yield Pages(client, state, tree, dashboard)
    await sources.stop()


async def test_sign_in_with_a_token_then_the_overview_of_the_officers_district(pages: Pages) -> None:
    html = {"Accept": "text/html"}
    first = await pages.client.get("/units/bg-pl", headers=html)
    assert first.status_code == 303 and first.headers["location"].startswith("/login?next=")
    form = await pages.client.get("/login/token")  # development tokens: not in production
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    refused = await pages.client.post(
        "/login/token", data={"token": "not-a-token", "next": "/", "csrf_token": csrf.group(1)}
    )
    assert refused.status_code == 401 and "Mã truy cập không hợp lệ" in refused.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', refused.text)
    assert csrf is not None
    token = pages.officer()["Authorization"].removeprefix("Bearer ")
    signed = await pages.client.post(
        "/login/token", data={"token": token, "next": "/units/bg-pl", "csrf_token": csrf.group(1)}
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/units/bg-pl"
    page = await pages.client.get("/units/bg-pl", headers=html)  # the cookie is kept by the client
    assert page.status_code == 200, page.text
    assert "Đơn vị dcs-1" in page.text and "dcs-9" not in page.text
    assert 'id="tile-recognised" data-count="1">0/0/1<' in page.text
    assert len(page.content) < 300_000
    assert (await pages.client.get("/units/bg-pl", params={"q": "don vi dcs"})).text.count('data-unit="') == 1
    assert (await pages.client.get("/units/bg-pl", params={"q": "Đơn vị"})).text.count('data-unit="') == 1
    assert (await pages.client.get("/units/bg-pl", params={"q": "khác"})).text.count('data-unit="') == 0


async def test_an_officer_cannot_open_another_districts_union(pages: Pages) -> None:
    officer = pages.officer()
    for path in ("/units/dcs-9", "/units/dcs-9/export.xlsx", "/units/dcs-9/indicators/C2.2", "/units/bg-lg"):
        answer = await pages.client.get(path, headers=officer)
        assert answer.status_code == 404, (path, answer.text)
        assert answer.json()["error"] == "unknown_unit"
        # The same answer as for a unit that does not exist: the link tells nothing of what it names.
        nowhere = await pages.client.get(
            path.replace("dcs-9", "zzz-9").replace("bg-lg", "zz-lg"), headers=officer
        )
        assert answer.text.replace("dcs-9", "zzz-9").replace("bg-lg", "zz-lg") == nowhere.text
    html = {**officer, "Accept": "text/html"}
    page = await pages.client.get("/units/dcs-9", headers=html)
    assert page.status_code == 404 and "Không tìm thấy" in page.text and "Đơn vị dcs-9" not in page.text
    nowhere = await pages.client.get("/units/zzz-9", headers=html)
    assert page.text.replace("dcs-9", "zzz-9") == nowhere.text
    by_api = await pages.evaluation.client.get("/units/dcs-9/compliance", headers=officer)
    assert by_api.status_code == 404


async def test_the_drill_down_names_the_missing_meetings_and_dates_the_events(pages: Pages) -> None:
    officer = pages.officer()
    union = await pages.client.get("/units/dcs-1", params={"as_of": "2026-10-31"}, headers=officer)
    assert union.status_code == 200, union.text
    assert "Đơn vị dcs-1-b2: chưa ghi nhận sinh hoạt chi đoàn trong tháng 10/2026" in union.text
    indicator = await pages.client.get(
        "/units/dcs-1/indicators/C2.2", params={"as_of": "2026-10-31"}, headers=officer
    )
    assert indicator.status_code == 200, indicator.text
    assert "10/01/2026" in indicator.text and "12/05/2026" in indicator.text  # dd/mm/yyyy
    # The figures' names, the explanation and what is missing in the page's language.
    assert "<td>sinh hoạt chi đoàn: cần đạt</td>" in indicator.text
    assert "Không đạt: sinh hoạt chi đoàn: 15/24 lượt chi đoàn theo kỳ đạt" in indicator.text
    assert "Đơn vị dcs-1-b2: chưa ghi nhận sinh hoạt chi đoàn trong tháng 10/2026" in indicator.text
    english = await pages.client.get(
        "/units/dcs-1/indicators/C2.2", params={"as_of": "2026-10-31", "lang": "en"}, headers=officer
    )
    assert "<td>branch meeting: needed</td>" in english.text
    assert "Đơn vị dcs-1-b2: no branch meeting recorded for 10/2026" in english.text
    assert indicator.text.count("data-event=") == 15


async def test_an_indicator_id_of_any_characters_is_asked_of_evaluation_as_one_path_segment(
    pages: Pages,
) -> None:
    officer = pages.officer()
    for odd in ("\x17C2", "C2.2?as_of=2020-01-01", "C2.2#x", "a b", "C2.2/../../bg-lg"):
        answer = await pages.client.get(f"/units/dcs-1/indicators/{quote(odd, safe='')}", headers=officer)
        assert answer.status_code == 404, (odd, answer.text)


async def test_the_as_of_date_replays_the_status_of_that_day(pages: Pages) -> None:
    officer = pages.officer()
    april = await pages.client.get("/units/dcs-1", params={"as_of": "30/04/2026"}, headers=officer)
    october = await pages.client.get("/units/dcs-1", params={"as_of": "2026-10-31"}, headers=officer)

    def c22(text: str) -> str:
        row = text.split('data-indicator="C2.2"', 1)[1].split("</tr>", 1)[0]
        return row.split('data-status="', 1)[1].split('"', 1)[0]

    assert c22(april.text) == "pass"
    assert c22(october.text) != "pass"
    assert 'value="30/04/2026"' in april.text
    wrong = await pages.client.get("/units/dcs-1", params={"as_of": "31/02/2026"}, headers=officer)
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["field"] == "as_of" and "dd/mm/yyyy" in wrong.text


async def test_exports_open_and_hold_the_figures_of_the_page(pages: Pages) -> None:
    officer = pages.officer()
    page = await pages.client.get("/units/bg-pl", headers=officer)
    xlsx = await pages.client.get("/units/bg-pl/export.xlsx", headers=officer)
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Mã đơn vị")
    unit_id, name, district, c1, c2, c3, overall, *_ = rows[header + 1]
    assert (unit_id, name, district) == ("dcs-1", "Đơn vị dcs-1", None)  # directly under the district
    for label in (c1, c2, c3, overall):
        assert f">{label}</span>" in page.text
    pdf = await pages.client.get("/units/dcs-1/export.pdf", params={"as_of": "2026-10-31"}, headers=officer)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Đơn vị dcs-1" in text and "Tiêu chí" in text and "31/10/2026" in text
    assert "chưa ghi nhận sinh hoạt chi đoàn trong tháng 10/2026" in text.replace("\n", " ")


FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"]
CONTROLS = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
LONG_DISTRICT = "Huyện đoàn Phước Long, tỉnh Bình Phước"  # longer than a sheet tab


async def rename_and_register(pages: Pages, unions: dict[str, str]) -> None:
    """Names that older records may hold (the API refuses some today), recorded as membership's events."""
    tree, on = pages.tree, date(2026, 1, 5)
    registered = [
        NewEvent(
            f"unit-{unit}",
            ms.UnitRegistered(
                unit_id=unit,
                name=name,
                level=UnitLevel.GRASSROOTS,
                unit_type=UnitType.COMMUNE_WARD,
                parent_id=tree.district,
            ),
            f"{tree.paths[tree.district]}.{unit}",
            at(on),
        )
        for unit, name in unions.items()
    ]
    renamed = [
        tree.event(unit, ms.UnitRenamed(unit_id=unit, name=name), on, f"unit-{unit}")
        for unit, name in ((tree.union, FORMULAS[0]), (tree.district, LONG_DISTRICT))
    ]
    await pages.evaluation.sources.record([*registered, *renamed])
    await pages.evaluation.settled()
    directory = pages.dashboard.state.runtime.directory

    async def dashboard_knows_the_names() -> bool:
        known = [await directory.get(unit) for unit in [tree.district, *unions]]
        return all(u is not None for u in known) and known[0].name == LONG_DISTRICT

    await wait_until(dashboard_knows_the_names, what="the dashboard's copy of the renamed tree")


async def test_exports_write_names_that_look_like_formulas_as_text_and_survive_odd_names(
    pages: Pages,
) -> None:
    odd = "dcs-h3"
    unions = dict(
        zip(["dcs-h0", "dcs-h1", "dcs-h2", odd], [*FORMULAS[1:], f"a:b?c*d/e[f]{CONTROLS} 漢"], strict=True)
    )
    await rename_and_register(pages, unions)
    officer = pages.officer()

    overview = await pages.client.get("/units/bg-pl/export.xlsx", headers=officer)
    assert overview.status_code == 200, overview.text
    book = load_workbook(io.BytesIO(overview.content))
    first, second, third = book.worksheets
    cells = {c.value: c.data_type for row in first.iter_rows() for c in row if c.value is not None}
    assert {name: cells.get(name) for name in FORMULAS} == dict.fromkeys(FORMULAS, "s")
    assert cells.get("a:b?c*d/e[f] 漢") == "s"
    assert not [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    # Both titles start with the district's long name: two tabs, and each full title in the first row.
    assert first.title == LONG_DISTRICT[:31] and second.title == LONG_DISTRICT[:27] + " (2)"
    assert third.title == LONG_DISTRICT[:27] + " (3)"
    assert first["A1"].value == f"{LONG_DISTRICT} – Đoàn cơ sở"
    assert second["A1"].value == f"{LONG_DISTRICT} – Đơn vị trực thuộc"
    assert third["A1"].value == f"{LONG_DISTRICT} – Số liệu"

    union = await pages.client.get(f"/units/{odd}/export.xlsx", headers=officer)
    assert union.status_code == 200, union.text
    sheet = load_workbook(io.BytesIO(union.content)).active
    assert sheet.title == "a-b-c-d-e(f) 漢 – Giải thích"
    assert sheet["A1"].value == "a:b?c*d/e[f] 漢 – Giải thích"
    for unit in (odd, "bg-pl"):
        pdf = await pages.client.get(f"/units/{unit}/export.pdf", headers=officer)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), (unit, pdf.text)
        # Narrow columns break long names across lines: compare without the white space.
        text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
        assert "a:b?c*d/e[f]" in text
    for name in FORMULAS:
        assert name in text, name


async def register_unions(pages: Pages, trees: list[Tree]) -> None:
    await pages.evaluation.sources.record([e for tree in trees for e in tree.registrations()[3:]])
    directory = pages.dashboard.state.runtime.directory

    async def dashboard_knows_them() -> bool:
        return all([await directory.get(tree.union) is not None for tree in trees])

    await wait_until(dashboard_knows_them, what="the dashboard's copy of the new unions")


def indicator_statuses(html: str) -> dict[str, str]:
    rows = html.split('data-indicator="')[1:]
    return {row.split('"', 1)[0]: row.split('data-status="', 1)[1].split('"', 1)[0] for row in rows}


async def test_meetings_entered_months_late_are_marked_on_the_union_page_the_drill_down_and_the_export(
    pages: Pages,
) -> None:
    on_time, back_filled = (Tree(union=u, branches=1) for u in ("dcs-t", "dcs-l"))
    await register_unions(pages, [on_time, back_filled])
    for tree in (on_time, back_filled):
        for month in range(1, 11):  # a meeting on the 10th of every month to October
            held = date(2026, month, 10)
            entered = datetime.combine(held + timedelta(days=1), time(8), VIETNAM)
            if tree is back_filled and 3 <= month <= 9:
                entered = datetime(2026, 10, 30, 9, tzinfo=VIETNAM)  # March to September: 30 October
            await pages.evaluation.sources.record([tree.meeting(tree.branches[0], held)], recorded_at=entered)
    await pages.evaluation.settled()
    officer = pages.officer()

    timely = (await pages.client.get("/units/dcs-t", headers=officer)).text
    late = (await pages.client.get("/units/dcs-l", headers=officer)).text
    assert (
        indicator_statuses(late) == indicator_statuses(timely) and indicator_statuses(late)["C2.2"] == "pass"
    )
    assert "ghi nhận muộn" not in timely
    c22 = late.split('data-indicator="C2.2"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="late" data-late="7">⚠ 7 minh chứng ghi nhận muộn, lâu nhất 234 ngày</span>' in c22

    drill = (await pages.client.get("/units/dcs-l/indicators/C2.2", headers=officer)).text
    assert drill.count('class="is-late"') == 7 and drill.count("data-event=") == 10
    assert 'class="is-late" data-late="234"><td>10/03/2026</td>' in drill
    assert "ghi nhận muộn 234 ngày" in drill and "ghi nhận muộn 1 ngày" not in drill
    assert (
        "ghi nhận muộn" not in (await pages.client.get("/units/dcs-t/indicators/C2.2", headers=officer)).text
    )

    def c22_row(content: bytes) -> dict[str, object]:
        rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        header = next(r for r in rows if r[0] == "Chỉ tiêu")
        return dict(zip(header, next(r for r in rows if r[0] == "C2.2 (cốt lõi)"), strict=True))

    exported = await pages.client.get("/units/dcs-l/export.xlsx", headers=officer)
    cell = str(c22_row(exported.content)["Ghi nhận muộn"]).splitlines()
    assert cell[0] == "7 minh chứng ghi nhận muộn, lâu nhất 234 ngày"
    assert "10/03/2026 · Sinh hoạt chi đoàn · dcs-l-b1: ghi nhận muộn 234 ngày" in cell
    assert len(cell) == 8
    exported_timely = await pages.client.get("/units/dcs-t/export.xlsx", headers=officer)
    assert c22_row(exported_timely.content)["Ghi nhận muộn"] is None

    await pages.client.get("/lang/en", params={"next": "/units/dcs-l"})
    english = (await pages.client.get("/units/dcs-l/indicators/C2.2", headers=officer)).text
    assert (
        "7 pieces of evidence recorded late, up to 234 days" in english
        and "recorded 234 days late" in english
    )


async def test_the_overview_embeds_the_trend_with_its_legend_and_each_months_counts_on_hover(
    pages: Pages,
) -> None:
    officer = pages.officer()
    page = await pages.client.get("/units/bg-pl", headers=officer)
    # An <object>, not an <img>: a browser shows the parts' titles as tooltips only in an SVG document.
    assert '<object class="trend" data="/units/bg-pl/trend.svg?year=2026" type="image/svg+xml"' in page.text
    assert '<span id="share-pass">' in page.text  # the share the live page updates with the count
    chart = await pages.client.get("/units/bg-pl/trend.svg", params={"year": 2026}, headers=officer)
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    svg = chart.text
    assert '<g class="legend"' in svg and ">Có nguy cơ</text>" in svg and "Cuối mỗi tháng" in svg
    # 2 November 2026: one union, January to November; each month's bar says what it counts.
    titles = re.findall(r"<title>(\d\d/2026) – ([^:]+): (\d+)/(\d+) \(([\d,]+)%\)</title>", svg)
    assert sorted({t[0] for t in titles}) == [f"{m:02d}/2026" for m in range(1, 12)]
    assert all(t[3] == "1" and t[2] == "1" and t[4] == "100" for t in titles)


async def test_the_overview_and_the_unions_page_show_the_one_recognition_stage(pages: Pages) -> None:
    tree = pages.tree
    await pages.evaluation.sources.record([tree.model_registered(2026, date(2025, 11, 1))])
    await pages.evaluation.settled()
    submitted = await pages.evaluation.client.post(
        "/units/dcs-1/self-assessment",
        json={"year": 2026, "submitted_on": "2026-11-01"},
        headers=pages.officer("dcs-1", "union_secretary"),
    )
    assert submitted.status_code == 201, submitted.text
    officer = pages.officer()
    overview = (await pages.client.get("/units/bg-pl", headers=officer)).text
    row = overview.split('data-unit="dcs-1"', 1)[1].split("</tr>", 1)[0]
    assert "<td>Đã tự đánh giá</td>" in row
    union = (await pages.client.get("/units/dcs-1", headers=officer)).text
    assert '<b id="stage" data-stage="self_assessed">Đã tự đánh giá</b>' in union
    assert '<b id="recognition-year">2026</b>' in union
    assert union.count('<input type="hidden" name="year" value="2026">') == 2  # appraisal and decision
