"""The officers' dashboard in a real headless chromium: sign in, overview, drill-down, as-of, live, exports."""

from __future__ import annotations

import io
from datetime import date

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.dashboard.conftest import SCREENSHOTS, Demo
from tests.dashboard.seed import branches_of

# The whole system under `chudong run` plus chromium: about 80 s here, so in the slow tier.
pytestmark = pytest.mark.slow


def _page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    return context.new_page()


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def test_sign_in_see_the_district_and_drill_down_to_a_missing_meeting(demo: Demo, browser: Browser) -> None:
    page = _page(browser)
    demo.sign_in(page)
    rows = page.locator("#unions tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("body")).not_to_contain_text("Đoàn xã Tân Hoa")  # another district's union
    expect(page.locator("#tile-recognised")).to_have_text("0/0/3")
    page.wait_for_function(
        "document.querySelector('img.trend').complete && document.querySelector('img.trend').naturalWidth > 0",
        timeout=60_000,
    )  # the trend chart is an image of its own

    page.fill("#filters input[name=q]", "phuoc hung")  # typed without diacritics
    expect(page.locator("#unions tbody tr:visible")).to_have_count(1)
    expect(page.locator("#shown-count")).to_have_text("1")
    page.click("text=Đoàn xã Phước Hưng")
    page.wait_for_url("**/units/pl-phuoc-hung")
    expect(page.locator("h1")).to_contain_text("Đoàn xã Phước Hưng")

    page.click("tr[data-indicator='C2.2'] a")
    page.wait_for_url("**/indicators/C2.2")
    _, silent = branches_of("pl-phuoc-hung")
    expect(page.locator("#missing")).to_contain_text(
        f"branch Chi đoàn 2 – xã Phước Hưng: no branch meeting recorded for {_month(demo.today)}"
    )
    expect(page.locator("#missing")).not_to_contain_text(silent)  # the branch by its name
    expect(page.locator("#events tbody tr")).to_have_count(1)
    expect(page.locator("#events")).to_contain_text(demo.today.strftime("%d/%m/%Y"))
    page.context.close()


def test_the_as_of_date_shows_the_page_as_it_stood(demo: Demo, browser: Browser) -> None:
    page = _page(browser)
    demo.sign_in(page)
    page.goto(f"{demo.dashboard}/units/pl-phuoc-hung")
    today_c1 = page.locator("#criterion-1 h2 .st").get_attribute("data-status")
    assert today_c1 == "at_risk"
    before = date(demo.today.year, 1, 31) if demo.today.month > 1 else date(demo.today.year - 1, 12, 31)
    page.fill("form.asof input[name=as_of]", before.strftime("%d/%m/%Y"))  # as officers type it
    page.click("form.asof button")
    page.wait_for_url("**as_of=*")
    expect(page.locator("#criterion-1 h2 .st")).to_have_attribute("data-status", "not_assessed")
    expect(page.locator(".note").first).to_contain_text(before.strftime("%d/%m/%Y"))
    page.goto(f"{demo.dashboard}/units/bg-pl?as_of={before.isoformat()}")
    expect(page.locator("#asof-note")).to_contain_text(before.strftime("%d/%m/%Y"))
    expect(page.locator("#unions tbody tr td.c1 .st-not_assessed")).to_have_count(3)
    page.context.close()


def test_a_recorded_event_updates_the_open_page_without_a_reload(demo: Demo, browser: Browser) -> None:
    page = _page(browser)
    demo.sign_in(page)
    cell = page.locator("tr[data-unit='pl-long-thanh'] td.c1 .st")
    expect(cell).to_have_attribute("data-status", "at_risk")
    page.wait_for_function("document.body.dataset.liveConnected === '1'")
    page.evaluate("window.__samePage = true")
    with httpx.Client(timeout=30) as client:
        for branch in branches_of("pl-long-thanh"):
            answer = client.post(
                f"{demo.url('membership')}/units/{branch}/roster-reviews",
                headers=demo.headers("admin", "vn", "admin"),
                json={"reviewed_on": demo.today.isoformat()},
            )
            assert answer.status_code == 201, answer.text
    expect(cell).not_to_have_attribute("data-status", "at_risk", timeout=30_000)
    assert page.evaluate("window.__samePage") is True  # no reload happened
    expect(page.locator("#live-status")).to_contain_text("Vừa cập nhật")
    page.context.close()


def test_the_recognising_unit_records_an_appraisal_from_the_page(demo: Demo, browser: Browser) -> None:
    union, year = "pl-dien-luc", demo.today.year
    with httpx.Client(timeout=30) as client:
        registered = client.post(
            f"{demo.url('planning')}/units/{union}/model-registrations",
            headers=demo.headers("union_secretary", union, "secretary"),
            json={"year": year, "registered_on": demo.today.isoformat()},
        )
        assert registered.status_code == 201, registered.text

        def self_assessed() -> bool:
            answer = client.post(
                f"{demo.url('evaluation')}/units/{union}/self-assessment",
                headers=demo.headers("union_secretary", union, "secretary"),
                json={"year": year, "submitted_on": demo.today.isoformat(), "claims": {"1": "pass"}},
            )
            return answer.status_code == 201  # refused until evaluation has seen the registration

        demo.wait(self_assessed, "the self-assessment accepted")
    page = _page(browser)
    demo.sign_in(page)
    page.goto(f"{demo.dashboard}/units/{union}")
    expect(page.locator("#stage")).to_have_text("Đã tự đánh giá")
    form = page.locator("#appraise-form")
    form.locator("select[name=criterion]").select_option("2")
    form.locator("select[name=verdict]").select_option("adjusted")
    form.locator("select[name=status]").select_option("fail")
    form.locator("textarea[name=comment]").fill("Chi đoàn 2 chưa sinh hoạt tháng này.")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/units/{union}?done=appraised-2*")
    expect(page.locator("#appraisals")).to_contain_text("Chi đoàn 2 chưa sinh hoạt tháng này.")
    expect(page.locator("#appraisals")).to_contain_text("Điều chỉnh")
    expect(page.locator("#done")).to_contain_text("Đã ghi nhận kết quả thẩm định tiêu chí 2")
    expect(page.locator("#stage")).to_have_text("Đã tự đánh giá")  # two criteria still to appraise
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # each page in both languages: test_browser_languages.py
    page.screenshot(path=str(SCREENSHOTS / "recognition.png"), full_page=True)
    page.context.close()


def test_exports_hold_the_figures_of_the_page(demo: Demo, browser: Browser) -> None:
    page = _page(browser)
    demo.sign_in(page)
    shown = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("#unions tbody tr").all()
    ]
    tiles = page.locator("#tile-recognised").inner_text()
    headers = demo.headers("district_officer", "bg-pl")
    with httpx.Client(timeout=60) as client:
        xlsx = client.get(f"{demo.dashboard}/units/bg-pl/export.xlsx", headers=headers)
        pdf = client.get(f"{demo.dashboard}/units/bg-pl/export.pdf", headers=headers)
        union_pdf = client.get(f"{demo.dashboard}/units/pl-phuoc-hung/export.pdf", headers=headers)
    assert xlsx.status_code == 200 and pdf.status_code == 200 and union_pdf.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    values = [[str(v) if v is not None else "" for v in row] for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(values) if row[0] == "Đoàn cơ sở")
    assert values[header_at + 1 : header_at + 1 + len(shown)] == shown
    assert any(tiles in row[0] for row in values[:header_at])

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for row in shown:
        assert row[0] in text  # Vietnamese names intact
    assert tiles in text and "Có nguy cơ" in text
    explanation = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(union_pdf.content)).pages)
    _, silent = branches_of("pl-phuoc-hung")
    assert "Đoàn xã Phước Hưng" in explanation
    assert f"{silent}: no branch meeting recorded" in explanation.replace("\n", " ")
    page.context.close()


def test_an_officer_cannot_see_another_districts_union_by_link_or_by_api(
    demo: Demo, browser: Browser
) -> None:
    page = _page(browser)
    demo.sign_in(page)
    answer = page.goto(f"{demo.dashboard}/units/lg-tan-hoa")
    assert answer is not None and answer.status == 404
    expect(page.locator("h1")).to_have_text("Không tìm thấy")
    expect(page.locator("body")).not_to_contain_text("Đoàn xã Tân Hoa")
    headers = demo.headers("district_officer", "bg-pl")
    with httpx.Client(timeout=30) as client:
        for url in (
            f"{demo.dashboard}/units/lg-tan-hoa",
            f"{demo.dashboard}/units/lg-tan-hoa/export.xlsx",
            f"{demo.dashboard}/units/lg-tan-hoa/indicators/C2.2",
            f"{demo.dashboard}/units/bg/trend.svg",
            f"{demo.url('evaluation')}/units/lg-tan-hoa/compliance",
            f"{demo.url('evaluation')}/units/bg-lg/unions",
        ):
            assert client.get(url, headers=headers).status_code == 404, url
        assert client.get(f"{demo.dashboard}/units/bg-pl", headers={}).status_code == 401
    page.context.close()


def test_the_inbox_shows_the_officers_alerts(demo: Demo, browser: Browser) -> None:
    page = _page(browser)
    demo.sign_in(page)

    def has_alerts() -> bool:
        page.goto(f"{demo.dashboard}/inbox")
        return page.locator("#inbox li").count() > 0

    demo.wait(has_alerts, "an alert in the inbox")
    expect(page.locator("#inbox")).to_contain_text("Phước")
    page.context.close()
