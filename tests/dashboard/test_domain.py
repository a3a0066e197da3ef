"""The dashboard's pure parts: Vietnamese formatting, search folding, the overview's filters, the live feed
and the trend chart."""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

from services.dashboard.adapters.live import LiveFeed, decode
from services.dashboard.app.trend_chart import trend_svg
from services.dashboard.domain.overview import Query, UnionRow, count_by_district, select_rows
from services.dashboard.domain.text import fold, format_date, format_number, format_time


def test_vietnamese_numbers_dates_and_times() -> None:
    assert format_number(1234) == "1.234"
    assert format_number(1234567.5, "vi", 1) == "1.234.567,5"
    assert format_number(1234, "en") == "1,234"
    assert format_date(date(2026, 3, 9)) == "09/03/2026"
    assert format_date("2026-11-27") == "27/11/2026"
    assert format_time(datetime(2026, 11, 27, 17, 30, tzinfo=UTC)) == "28/11/2026 00:30"  # Asia/Ho_Chi_Minh


def test_search_folds_case_and_diacritics() -> None:
    assert fold("Đoàn xã Phước Hưng") == "doan xa phuoc hung"
    assert fold("ĐOÀN TRƯỜNG") == "doan truong"


def _row(unit_id: str, name: str, district: str, status: str, c2: str = "pass") -> UnionRow:
    item = {"unit_id": unit_id, "name": name, "path": f"vn.bg.{district}.{unit_id}", "status": status}
    item |= {"c1": "pass", "c2": c2, "c3": "pass", "stage": "registered"}
    return UnionRow.from_api(
        item, {"bg-pl": "Huyện đoàn Phước Long", "bg-lg": "Huyện đoàn Lục Ngạn"}, "vn.bg"
    )


def test_the_overview_filters_searches_sorts_and_counts_per_district() -> None:
    rows = [
        _row("a", "Đoàn xã Phước Hưng", "bg-pl", "pass"),
        _row("b", "Đoàn phường Long Thành", "bg-pl", "fail", c2="fail"),
        _row("c", "Đoàn xã Tân Hoa", "bg-lg", "at_risk", c2="at_risk"),
    ]
    assert [r.unit_id for r in select_rows(rows, Query(q="phuoc"))] == ["a"]
    assert [r.unit_id for r in select_rows(rows, Query(q="Tân"))] == ["c"]
    assert [r.unit_id for r in select_rows(rows, Query())] == ["b", "c", "a"]  # worst first
    assert [r.unit_id for r in select_rows(rows, Query(sort="name"))] == ["b", "a", "c"]
    assert [r.unit_id for r in select_rows(rows, Query(status="at_risk", criterion=2))] == ["c"]
    assert [r.unit_id for r in select_rows(rows, Query(district="bg-pl"))] == ["b", "a"]
    counts = {d.unit_id: (d.name, d.total, d.status["fail"]) for d in count_by_district(rows)}
    assert counts == {"bg-lg": ("Huyện đoàn Lục Ngạn", 1, 0), "bg-pl": ("Huyện đoàn Phước Long", 2, 1)}


async def test_the_live_feed_gives_each_page_only_its_officers_scope() -> None:
    changed = {"unit_id": "dcs-1", "year": 2026, "criterion": 2, "old_status": "pass", "new_status": "fail"}
    update = decode(
        "evaluation.ComplianceChanged.vn.bg.bg-pl.dcs-1", json.dumps({"payload": changed}).encode()
    )
    assert update == {
        "type": "ComplianceChanged",
        "path": "vn.bg.bg-pl.dcs-1",
        "unit_id": "dcs-1",
        "year": 2026,
        "criterion": 2,
        "status": "fail",
        "old_status": "pass",  # the tile a page counted it under: its count and share move to the new one
    }
    assert decode("evaluation.UnitsEvaluated.vn.bg", b"{}") is None
    feed = LiveFeed()
    district, other = feed.listen("vn.bg.bg-pl"), feed.listen("vn.bg.bg-lg")
    feed.publish(update)
    assert (await asyncio.wait_for(district.queue.get(), 1))["unit_id"] == "dcs-1"
    assert other.queue.empty()
    feed.leave(district)
    assert feed.listeners == {other}


def _month(month: str, passed: int, at_risk: int, failed: int, not_assessed: int = 0) -> dict[str, object]:
    status = {"pass": passed, "at_risk": at_risk, "fail": failed, "not_assessed": not_assessed}
    return {"month": month, "as_of": f"{month}-28", "status": status, "criteria": {}}


def test_the_trend_chart_has_a_legend_and_shows_each_months_counts_on_hover() -> None:
    trend = {"unit_id": "bg-pl", "year": 2026, "unions": 63}
    trend["months"] = [_month("2026-01", 55, 1, 7), _month("2026-02", 54, 2, 7)]
    svg = trend_svg(trend, "vi")
    ET.fromstring(svg)  # well formed
    legend = svg.split('<g class="legend"', 1)[1].split("</g></g>", 1)[0] + "</g>"
    for status, name in (("pass", "Đạt"), ("at_risk", "Có nguy cơ"), ("fail", "Không đạt")):
        assert f'data-status="{status}"' in legend and f">{name}</text>" in legend
    assert ">Chưa đánh giá</text>" in legend and "Cuối mỗi tháng, theo những việc đã đến hạn" in svg
    # Each part of a bar names its month, status, count of the month's unions and share when hovered.
    assert "<title>01/2026 – Đạt: 55/63 (87,3%)</title>" in svg
    assert "<title>02/2026 – Có nguy cơ: 2/63 (3,2%)</title>" in svg
    assert "<title>02/2026 – Không đạt: 7/63 (11,1%)</title>" in svg
    assert "Chưa đánh giá: 0" not in svg  # an empty part is not drawn
    english = trend_svg(trend, "en")
    assert ">At risk</text>" in english and "<title>01/2026 – Pass: 55/63 (87.3%)</title>" in english
