"""The dashboard's pure parts: Vietnamese formatting, search folding, the overview's filters and the live feed."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime

from services.dashboard.adapters.live import LiveFeed, decode
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
    body = json.dumps({"payload": {"unit_id": "dcs-1", "year": 2026, "criterion": 2, "new_status": "fail"}})
    update = decode("evaluation.ComplianceChanged.vn.bg.bg-pl.dcs-1", body.encode())
    assert update == {
        "type": "ComplianceChanged",
        "path": "vn.bg.bg-pl.dcs-1",
        "unit_id": "dcs-1",
        "year": 2026,
        "criterion": 2,
        "status": "fail",
    }
    assert decode("evaluation.UnitsEvaluated.vn.bg", b"{}") is None
    feed = LiveFeed()
    district, other = feed.listen("vn.bg.bg-pl"), feed.listen("vn.bg.bg-lg")
    feed.publish(update)
    assert (await asyncio.wait_for(district.queue.get(), 1))["unit_id"] == "dcs-1"
    assert other.queue.empty()
    feed.leave(district)
    assert feed.listeners == {other}
