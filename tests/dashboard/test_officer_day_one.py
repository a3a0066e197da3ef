"""An officer's first day, end to end, on the district demo of a fresh clone, in Vietnamese only: which
unions fail and why, an alert followed to the page that explains it, an appraisal and a decision from
the union's page, the same stage on the overview, and a sheet they can file.

The district demo (63 unions, written straight into the stores) under ``chudong run`` settles in about
three minutes here: in the slow tier, like the other browser tests.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.dashboard.conftest import SCREENSHOTS, Demo
from tests.e2e.conftest import start_system
from tests.slow.test_demo_http import _run_chudong
from tests.slow.test_demo_province import _settled

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

DISTRICT = "bg-h01"  # Huyện đoàn Yên Dũng, which recognises the demo's 63 unions
# Words an English text left on a Vietnamese page would show (lower case, whole words).
ENGLISH = (
    "missing",
    "needed",
    "passed",
    "recorded",
    "branch",
    "member",
    "meeting",
    "report",
    "training",
    "the workflow is at",
    "at risk",
    "not assessed",
    "not rated",
    "awaiting",
    "submitted",
    "deadline",
    "dear comrade",
    "evidence",
    "of the",
    "none",
)
BRANCH_ID = re.compile(r"\bbg-dcs\d{3}-cd\d+\b")


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """``chudong demo --scale district`` on a fresh data directory, then ``chudong run``, settled."""
    data = tmp_path_factory.mktemp("district") / "data"
    _run_chudong(data, "demo", "--scale", "district", "--years", "1", "--via", "store")
    system = start_system(data)
    try:
        _settled(system, timeout=900)
        yield Demo(system, date.today())
    finally:
        system.stop()


def english_left(page: Page) -> list[str]:
    """The tell-tale English words on the page as a reader sees it."""
    text = page.inner_text("body").lower()
    return [w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def assert_vietnamese(page: Page) -> None:
    left = english_left(page)
    assert not left, f"English on {page.url}: {left}"
    assert page.locator("html").get_attribute("lang") == "vi"


def test_an_officer_who_reads_only_vietnamese_finds_follows_appraises_decides_and_files(
    district: Demo, browser: Browser
) -> None:
    demo = district
    # The officer leaves their name: from then on they receive what is open about their unions.
    with httpx.Client(timeout=60) as client:
        contact = client.put(
            f"{demo.url('notifications')}/officers/me",
            headers=demo.headers("district_officer", DISTRICT),
            json={"name": "Nguyễn Thị Hoa"},
        )
        assert contact.status_code in (200, 201), contact.text
        assert contact.json()["language"] == "vi"
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    context.set_default_timeout(90_000)  # the district's overview holds 63 unions; the machine is shared
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    demo.sign_in(page, unit=DISTRICT)
    expect(page.locator("h1").first).to_contain_text("Huyện đoàn Yên Dũng")
    expect(page.locator("#unions tbody tr")).to_have_count(63)
    assert_vietnamese(page)

    # Which unions fail: the filter keeps those whose overall result is "Không đạt".
    page.locator("#filters select[name=status]").select_option("fail")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url("**status=fail*")
    failing = page.locator("#unions tbody tr")
    assert 0 < failing.count() < 63
    expect(failing.locator("td.c0")).to_have_text(["Không đạt"] * failing.count())
    assert_vietnamese(page)
    # One the officer can appraise: its secretary submitted the self-assessment.
    row = failing.filter(has_text="Đã tự đánh giá").first
    union = str(row.get_attribute("data-unit"))
    name = row.locator("td").first.inner_text().strip()

    # Why it fails: each criterion's explanation, and what is missing, in Vietnamese, branches by name.
    row.locator("td a").first.click()
    page.wait_for_url(f"**/units/{union}")
    expect(page.locator("h1")).to_contain_text(name)
    assert_vietnamese(page)
    expect(page.locator("th", has_text="Còn thiếu").first).to_be_visible()
    explanations = page.locator("p.expl").all_inner_texts()
    assert any("chỉ tiêu cốt lõi chưa đạt" in e for e in explanations), explanations
    missing = page.locator("ul.missing li").all_inner_texts()
    assert missing and any(m.startswith("Chi đoàn ") for m in missing), missing
    assert not BRANCH_ID.search(page.inner_text("body")), "a branch shown by its id"
    page.screenshot(path=str(SCREENSHOTS / "day-one-union.png"), full_page=True)

    # The inbox: an alert about a change, with what is missing, followed to the page that explains it.
    page.goto(f"{demo.dashboard}/inbox")
    items = page.locator("#inbox li")
    expect(items.first).to_be_visible()
    assert_vietnamese(page)
    subjects = " ".join(page.locator("#inbox li summary").all_inner_texts())
    assert not re.search(r"(?<![\w-])bg-dcs\d{3}(?![\w-])", subjects), "a union shown by its id in the inbox"
    alert = items.filter(has_text="Còn thiếu").first
    expect(alert).to_be_visible()
    alert.locator("summary").click()
    page.screenshot(path=str(SCREENSHOTS / "day-one-inbox.png"))
    link = alert.locator("a.follow")
    expect(link).to_have_text("Xem giải thích")
    href = str(link.get_attribute("href"))
    assert href.startswith(f"{demo.dashboard}/units/"), href  # the dashboard's actual address
    with page.expect_navigation():
        link.click()
    assert page.url == href
    assert page.locator("pre").count() == 0 and not page.inner_text("body").lstrip().startswith("{")
    expect(page.locator("h1")).to_be_visible()
    assert_vietnamese(page)
    page.screenshot(path=str(SCREENSHOTS / "day-one-alert-followed.png"), full_page=True)

    # Appraise the three criteria and decide, from the union's page.
    page.goto(f"{demo.dashboard}/units/{union}")
    expect(page.locator("#stage")).to_have_text("Đã tự đánh giá")
    form = page.locator("#appraise-form")
    for criterion in (1, 2, 3):
        form.locator("select[name=criterion]").select_option(str(criterion))
        form.locator("select[name=verdict]").select_option("confirmed")
        form.locator("select[name=status]").select_option("fail" if criterion == 1 else "pass")
        form.locator("textarea[name=comment]").fill(f"Tiêu chí {criterion}: đã xem hồ sơ.")
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"**/units/{union}?done=appraised-{criterion}*")
        expect(page.locator("#appraisals tbody tr")).to_have_count(criterion)
        assert_vietnamese(page)
    expect(page.locator("#stage")).to_have_text("Đã thẩm định")
    decision = page.locator("#decision-form")
    decision.locator("input[name=recognised][value=false]").check()
    decision.locator("input[name=decided_on]").fill(demo.today.strftime("%d/%m/%Y"))
    decision.locator("input[name=decision_number]").fill("12-QĐ/HĐT")
    decision.locator("textarea[name=reasons]").fill("Tiêu chí 1 không đạt.")
    decision.locator("button[type=submit]").click()
    page.wait_for_url(f"**/units/{union}?done=decided*")
    expect(page.locator("#done")).to_contain_text("Đã ghi nhận quyết định")
    stage = page.locator("#stage").inner_text().strip()
    assert stage not in ("Đã thẩm định", "Đã tự đánh giá", "")
    assert_vietnamese(page)
    page.screenshot(path=str(SCREENSHOTS / "day-one-decided.png"), full_page=True)

    # The overview says the same stage.
    page.goto(f"{demo.dashboard}/units/{DISTRICT}")
    expect(page.locator(f"tr[data-unit='{union}'] td").nth(6)).to_have_text(stage)

    # A sheet to file: downloaded from the overview, read back.
    with page.expect_download() as download_info:
        page.locator("a[href$='export.xlsx']").first.click()
    workbook = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    sheet = workbook.worksheets[0]
    values = [[str(v) if v is not None else "" for v in r] for r in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(values) if r[0] == "Mã đơn vị")
    header = values[header_at]
    (why,) = [i for i, title in enumerate(header) if title.startswith("Lý do")]
    assert sheet.auto_filter.ref, "no AutoFilter"
    rows = values[header_at + 1 :]
    (filed,) = [r for r in rows if r[0] == union]
    assert name in filed and stage in filed, filed
    reason = filed[why]
    assert reason.startswith("Không đạt: ") and not any(
        re.search(rf"\b{w}\b", reason.lower()) for w in ENGLISH
    ), reason
    english_cells = [
        c for r in values for c in r if any(re.search(rf"(?<![\w-]){w}(?![\w-])", c.lower()) for w in ENGLISH)
    ]
    assert not english_cells, english_cells[:5]
    context.close()
