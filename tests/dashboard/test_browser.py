"""The officers' dashboard in a real headless chromium: sign in, overview, drill-down, as-of, live, exports,
appraisal and decision."""

from __future__ import annotations

import io
import re
from datetime import date

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.dashboard.conftest import SCREENSHOTS, TREND_LOADED, Demo
from tests.dashboard.seed import branches_of, register_unit

# The whole system under `chudong run` plus chromium: about 80 s here, so in the slow tier.
pytestmark = pytest.mark.slow


def _page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    return context.new_page()


def _month(day: date) -> str:
    return f"{day.month}/{day.year:04d}"


def recognition_year(demo: Demo, union: str) -> int:
    """The year whose recognition is in progress for ``union``, as evaluation and the pages choose it."""
    with httpx.Client(timeout=30) as client:
        answer = client.get(
            f"{demo.url('evaluation')}/units/{union}/recognition",
            headers=demo.headers("admin", "vn", "admin"),
        )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["year"])


def register_and_self_assess(demo: Demo, union: str, year: int) -> None:
    """The union registers the model for ``year`` (planning) and submits its self-assessment (evaluation)."""
    secretary = demo.headers("union_secretary", union, "secretary")
    with httpx.Client(timeout=30) as client:
        registered = client.post(
            f"{demo.url('planning')}/units/{union}/model-registrations",
            headers=secretary,
            json={"year": year, "registered_on": demo.today.isoformat()},
        )
        assert registered.status_code == 201, registered.text

        def self_assessed() -> bool:
            answer = client.post(
                f"{demo.url('evaluation')}/units/{union}/self-assessment",
                headers=secretary,
                json={"year": year, "submitted_on": demo.today.isoformat(), "claims": {"1": "pass"}},
            )
            return answer.status_code == 201  # refused until evaluation has seen the registration

        demo.wait(self_assessed, "the self-assessment accepted")


def test_sign_in_see_the_district_and_drill_down_to_a_missing_meeting(demo: Demo, browser: Browser) -> None:
    page = _page(browser)
    demo.sign_in(page)
    rows = page.locator("#unions tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("body")).not_to_contain_text("Đoàn xã Tân Hoa")  # another district's union
    expect(page.locator("#tile-recognised")).to_have_text("0/0/3")
    page.wait_for_function(TREND_LOADED, timeout=60_000)  # the trend chart is a document of its own
    # Its legend names the colours; each part of a bar says, on hover, its month, status, count and share.
    chart = page.evaluate(
        "(() => { const svg = document.querySelector('object.trend').contentDocument;"
        " return {legend: svg.querySelector('.legend').textContent,"
        " titles: Array.from(svg.querySelectorAll('rect title'), t => t.textContent)}; })()"
    )
    assert all(name in chart["legend"] for name in ("Đạt", "Có nguy cơ", "Không đạt", "Chưa đánh giá"))
    # Every month: the three unions failed (no model registered by 10 November before the year).
    assert chart["titles"] and all(" – Không đạt: 3/3 (100%)" in t for t in chart["titles"]), chart["titles"]

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
        f"Chi đoàn 2 – xã Phước Hưng: chưa ghi nhận sinh hoạt chi đoàn trong tháng {_month(demo.today)}"
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
    union = "pl-dien-luc"
    register_and_self_assess(demo, union, recognition_year(demo, union))
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
    header_at = next(i for i, row in enumerate(values) if row[0] == "Mã đơn vị")
    # The page's columns, beside the union id, the reasons and the day evaluated that only the sheet has.
    exported = values[header_at + 1 : header_at + 1 + len(shown)]
    assert [[*row[1:7], row[8]] for row in exported] == shown
    assert all(row[0] and row[9] for row in exported)
    assert any(tiles in row[0] for row in values[:header_at])

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for row in shown:
        assert row[0] in text  # Vietnamese names intact
    assert tiles in text and "Có nguy cơ" in text
    explanation = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(union_pdf.content)).pages)
    assert "Đoàn xã Phước Hưng" in explanation
    assert "Chi đoàn 2 – xã Phước Hưng: chưa ghi nhận sinh hoạt chi đoàn" in explanation.replace("\n", " ")
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


def test_an_officer_signs_in_with_the_form_chooses_a_password_and_signs_out(
    demo: Demo, browser: Browser
) -> None:
    admin = demo.headers("admin", "vn", "operator")
    with httpx.Client(timeout=30) as client:
        opened = client.post(
            f"{demo.url('identity')}/accounts",
            headers=admin,
            json={
                "unit_id": "bg-pl",
                "login_name": "hoa.nguyen",
                "password": "mật khẩu tạm 2026",
                "full_name": "Nguyễn Thị Hoa",
            },
        )
        assert opened.status_code == 201, opened.text
        granted = client.post(
            f"{demo.url('identity')}/grants",
            headers=admin,
            json={"account_id": opened.json()["account_id"], "role": "district_officer", "unit_id": "bg-pl"},
        )
        assert granted.status_code == 201, granted.text
    page = _page(browser)
    page.goto(f"{demo.dashboard}/")
    expect(page).to_have_url(re.compile(r".*/login\?next="))
    expect(page.locator("label[for=login_name]")).to_have_text("Tên đăng nhập")
    page.fill("#login_name", "hoa.nguyen")
    page.fill("#password", "sai mật khẩu rồi")
    page.click("#login-form button[type=submit]")
    expect(page.locator(".alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    page.fill("#password", "mật khẩu tạm 2026")
    page.click("#login-form button[type=submit]")
    expect(page.locator(".alert")).to_contain_text("chọn mật khẩu mới")
    page.fill("#password", "mật khẩu tạm 2026")
    page.fill("#new_password", "mật khẩu riêng của Hoa")
    page.fill("#new_password_again", "mật khẩu riêng của Hoa")
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/units/bg-pl")
    expect(page.locator("#who")).to_have_text("Nguyễn Thị Hoa · Cán bộ Huyện đoàn · Huyện đoàn Phước Long")
    expect(page.locator("#unions tbody tr")).to_have_count(3)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["chudong_session"]["httpOnly"] and cookies["chudong_session"]["sameSite"] == "Strict"
    page.screenshot(path=str(SCREENSHOTS / "signed-in.png"))
    page.click("form[action='/logout'] button")
    page.wait_for_url("**/login")
    page.goto(f"{demo.dashboard}/units/bg-pl")
    expect(page).to_have_url(re.compile(r".*/login\?next=/units/bg-pl"))


def test_an_officer_appraises_each_criterion_and_decides_and_every_reader_shows_the_same_stage(
    demo: Demo, browser: Browser
) -> None:
    union = "pl-long-thanh"
    year = recognition_year(demo, union)
    register_and_self_assess(demo, union, year)
    page = _page(browser)
    demo.sign_in(page)
    page.goto(f"{demo.dashboard}/units/{union}")
    expect(page.locator("#recognition-year")).to_have_text(str(year))
    expect(page.locator("#stage")).to_have_text("Đã tự đánh giá")
    form = page.locator("#appraise-form")
    for criterion in (1, 2, 3):
        form.locator("select[name=criterion]").select_option(str(criterion))
        form.locator("select[name=verdict]").select_option("confirmed")
        form.locator("select[name=status]").select_option("pass")
        form.locator("textarea[name=comment]").fill(f"Tiêu chí {criterion} đạt theo hồ sơ.")
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"**/units/{union}?done=appraised-{criterion}*")
        expect(page.locator("#appraisals tbody tr")).to_have_count(criterion)
    expect(page.locator("#stage")).to_have_text("Đã thẩm định")
    decision = page.locator("#decision-form")
    decision.locator("input[name=recognised][value=true]").check()
    decision.locator("input[name=decided_on]").fill(demo.today.strftime("%d/%m/%Y"))
    decision.locator("input[name=decision_number]").fill("125-QĐ/HĐTN")
    decision.locator("button[type=submit]").click()
    page.wait_for_url(f"**/units/{union}?done=decided*")
    expect(page.locator("#done")).to_contain_text("Đã ghi nhận quyết định")
    expect(page.locator("#stage")).to_have_text("Đã công nhận")
    expect(page.locator("#recognition")).to_contain_text("125-QĐ/HĐTN")

    # The overview's row and tile, and evaluation's API, read the same stage at once.
    page.goto(f"{demo.dashboard}/units/bg-pl")
    expect(page.locator(f"tr[data-unit='{union}'] td").nth(6)).to_have_text("Đã công nhận")
    headers = demo.headers("district_officer", "bg-pl")
    with httpx.Client(timeout=30) as client:
        state = client.get(f"{demo.url('evaluation')}/units/{union}/recognition", headers=headers).json()
        listed = client.get(f"{demo.url('evaluation')}/units/bg-pl/unions", headers=headers).json()
        rollup = client.get(f"{demo.url('evaluation')}/units/bg-pl/rollup", headers=headers).json()
    assert (state["year"], state["stage"], state["decision_number"]) == (year, "recognised", "125-QĐ/HĐTN")
    assert sorted(state["appraisals"]) == ["1", "2", "3"]
    (item,) = [i for i in listed["items"] if i["unit_id"] == union]
    assert (item["recognition_year"], item["stage"]) == (year, "recognised")
    recognition = rollup["recognition"]
    expected_tile = f"{recognition['recognised']}/{recognition['registered']}/{rollup['unions']}"
    assert recognition["recognised"] >= 1
    expect(page.locator("#tile-recognised")).to_have_text(expected_tile)
    page.context.close()


def test_the_tiles_counts_and_shares_follow_a_change_without_a_reload(demo: Demo, browser: Browser) -> None:
    # A district of its own, with no union yet: every share is "–" until one is evaluated.
    district = ("bg-tt", "Huyện đoàn Tân Tiến", "district", "bg")
    union = ("tt-an-binh", "Đoàn xã An Bình", "grassroots", "bg-tt")
    admin = demo.headers("admin", "vn", "admin")
    with httpx.Client(timeout=30) as client:
        register_unit(client, demo.url("membership"), admin, district)
        demo.wait(
            lambda: client.get(f"{demo.dashboard}/units/bg-tt", headers=admin).status_code == 200,
            "the dashboard's copy of the new district",
        )
        page = _page(browser)
        demo.sign_in(page, unit="bg-tt")
        expect(page.locator("#share-fail")).to_have_text("–")
        page.wait_for_function("document.body.dataset.liveConnected === '1'")
        page.evaluate("window.__samePage = true")
        register_unit(client, demo.url("membership"), admin, union)
        register_unit(
            client, demo.url("membership"), admin, ("tt-an-binh-cd1", "Chi đoàn 1", "branch", "tt-an-binh")
        )

        listed: dict[str, object] = {}

        def evaluated() -> bool:
            officer = demo.headers("district_officer", "bg-tt")
            answer = client.get(f"{demo.url('evaluation')}/units/bg-tt/unions", headers=officer).json()
            listed.update(next(iter(answer.get("items", [])), {}))
            return bool(listed.get("evaluated_on"))

        demo.wait(evaluated, "the new union evaluated")
    status = str(listed["status"])
    # The union joined its status's tile: the count and the share both moved, on the open page.
    expect(page.locator(f"#count-{status}")).to_have_text("1", timeout=30_000)
    expect(page.locator(f"#share-{status}")).to_have_text("100%")
    for other in {"pass", "at_risk", "fail", "not_assessed"} - {status}:
        expect(page.locator(f"#share-{other}")).to_have_text("0%")
    expect(page.locator("#tile-recognised")).to_have_text("0/0/1")
    assert page.evaluate("window.__samePage") is True  # no reload happened
    page.context.close()
