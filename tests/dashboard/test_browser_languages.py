"""Every page of the dashboard in a real chromium, in Vietnamese and in English: the page's language with no
leftover of the other, names instead of ids, and the 403 and 404 pages in words.

Screenshots of each page in each language go to ``CHUDONG_SCREENSHOTS_DIR`` (``make screenshots``:
docs/dashboard/), else to a temporary directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.dashboard.conftest import SCREENSHOTS, TREND_LOADED, Demo
from tests.dashboard.seed import branches_of

pytestmark = pytest.mark.slow

LANGUAGES = ("vi", "en")
UNION = "pl-phuoc-hung"
MEMBER = ("dv-binh", "Trần Văn Bình")

# Words that give away English on a Vietnamese page (and Vietnamese ones on an English page).
ENGLISH = re.compile(
    r"\b(the|of|and|Sign in|Overview|Inbox|Pass|Fail|At risk|Not assessed|Criterion|Indicator|Missing|"
    r"Evidence|Export|Branch|branch|member|meeting|recorded|Error|Not found|Access denied|unread|Live|"
    r"Status|Today|Show|Record)\b"
)
VIETNAMESE = re.compile(
    r"\b(Đăng nhập|Tổng quan|Hộp thư|Tiêu chí|Chỉ tiêu|Không đạt|chưa đọc|Không tìm thấy)\b"
)
# What evaluation and notifications write themselves (explanations, missing items, figure labels, alert
# texts) becomes catalog messages in their own changes; the page's own text is checked here.
FROM_THE_SERVICES = ".expl, .missing, #numbers td:first-child, #inbox details"
SAYS = {
    "vi": {
        "login": "Đăng nhập",
        "overview": "Tổng quan",
        "union": "Thẩm định và công nhận",
        "indicator": "Nội dung",
        "inbox": "Hộp thư",
        "forbidden": "Không có quyền truy cập",
        "not-found": "Không tìm thấy",
    },
    "en": {
        "login": "Sign in",
        "overview": "Overview",
        "union": "Appraisal and recognition",
        "indicator": "What happened",
        "inbox": "Inbox",
        "forbidden": "Access denied",
        "not-found": "Not found",
    },
}


@pytest.fixture(scope="module")
def with_a_member(demo: Demo) -> Iterator[Demo]:
    """The demo with a member admitted to the first branch of Phước Hưng, known to evaluation."""
    member_id, name = MEMBER
    branch = branches_of(UNION)[0]
    with httpx.Client(timeout=30) as client:
        admitted = client.post(
            f"{demo.url('membership')}/members",
            headers=demo.headers("admin", "vn", "admin"),
            json={
                "member_id": member_id,
                "branch_id": branch,
                "joined_on": demo.today.isoformat(),
                "admission_decision_ref": "12-QĐ/ĐTN",
                "profile": {"full_name": name, "birth_date": "2003-04-05", "gender": "male"},
            },
        )
        assert admitted.status_code == 201, admitted.text

        def evaluated() -> bool:
            answer = client.get(
                f"{demo.url('evaluation')}/units/{UNION}/indicators/C1.9",
                headers=demo.headers("district_officer", "bg-pl"),
            )
            return answer.status_code == 200 and bool(answer.json()["events"])

        demo.wait(evaluated, "the admission in evaluation's drill-down")
    yield demo


def _page(browser: Browser, demo: Demo, lang: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.add_cookies([{"name": "chudong_lang", "value": lang, "url": demo.dashboard}])
    return context.new_page()


def _own_text(page: Page) -> str:
    """The text of the page the dashboard writes itself: without what the services' answers hold."""
    text: str = page.evaluate(
        """(skip) => {
            const body = document.body.cloneNode(true);
            body.querySelectorAll(skip).forEach((e) => e.remove());
            return body.innerText || body.textContent;
        }""",
        FROM_THE_SERVICES,
    )
    return text


def _check(page: Page, lang: str, name: str) -> str:
    """The page reads in ``lang`` only, and a screenshot of it is taken."""
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("body")).to_contain_text(SAYS[lang][name])
    text = _own_text(page)
    leftovers = ENGLISH.findall(text) if lang == "vi" else VIETNAMESE.findall(text)
    assert not leftovers, f"{name} in {lang}: {leftovers}\n{text}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.{lang}.png"), full_page=True)
    return text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_page_reads_in_its_language_with_names_instead_of_ids(
    with_a_member: Demo, browser: Browser, lang: str
) -> None:
    demo = with_a_member
    page = _page(browser, demo, lang)
    page.goto(f"{demo.dashboard}/login")
    _check(page, lang, "login")

    demo.sign_in(page)
    page.wait_for_function(TREND_LOADED, timeout=60_000)
    overview = _check(page, lang, "overview")
    assert "Huyện đoàn Phước Long" in page.locator("header .who").inner_text()
    assert "bg-pl" not in overview and "Đoàn xã Phước Hưng" in overview

    page.goto(f"{demo.dashboard}/units/{UNION}")
    union = _check(page, lang, "union")
    assert not [b for b in branches_of(UNION) if b in union]

    page.goto(f"{demo.dashboard}/units/{UNION}/indicators/C2.2")
    events = _check(page, lang, "indicator")
    held = demo.today.strftime("%d/%m/%Y")
    meeting = {"vi": f"sinh hoạt ngày {held}, 8/10 đoàn viên có mặt", "en": f"held its meeting on {held}"}
    expect(page.locator("#events")).to_contain_text(f"Chi đoàn 1 – xã Phước Hưng {meeting[lang]}")
    assert not [b for b in branches_of(UNION) if b in events]
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", events)  # no event ids

    page.goto(f"{demo.dashboard}/units/{UNION}/indicators/C1.9")
    expect(page.locator("#events")).to_contain_text(MEMBER[1])  # the officer may read names

    def has_alerts() -> bool:
        page.goto(f"{demo.dashboard}/inbox")
        return page.locator("#inbox li").count() > 0

    demo.wait(has_alerts, "an alert in the inbox")
    inbox = _check(page, lang, "inbox")
    linked = page.locator("#inbox a[data-unit]").first
    assert linked.inner_text() != linked.get_attribute("data-unit")  # a unit's name, its id in the link
    assert not re.search(r"\b(pl|bg|lg)-[a-z0-9-]+\b", inbox)

    answer = page.goto(f"{demo.dashboard}/units/lg-tan-hoa")  # another district's union
    assert answer is not None and answer.status == 404
    _check(page, lang, "not-found")
    page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_auditor_sees_members_by_number_and_gets_the_403_page_for_an_appraisal(
    with_a_member: Demo, browser: Browser, lang: str
) -> None:
    demo = with_a_member
    page = _page(browser, demo, lang)
    demo.sign_in(page, role="auditor")
    page.goto(f"{demo.dashboard}/units/{UNION}/indicators/C1.9")
    pseudonym = {
        "vi": "Đoàn viên #1 của Chi đoàn 1 – xã Phước Hưng",
        "en": "Member #1 of Chi đoàn 1 – xã Phước Hưng",
    }
    expect(page.locator("#events")).to_contain_text(pseudonym[lang])
    expect(page.locator("body")).not_to_contain_text(MEMBER[1])

    page.goto(f"{demo.dashboard}/units/{UNION}")
    assert page.locator("#appraise-form").count() == 0  # no form for a role that may not appraise
    with page.expect_navigation():
        page.evaluate(
            """([action, year]) => {
                const form = Object.assign(document.createElement("form"), {method: "post", action});
                // The session's form token, as the page's own forms carry it: the role is what is refused.
                const csrf_token = document.querySelector("input[name=csrf_token]").value;
                const fields = {year, criterion: "1", verdict: "confirmed", status: "pass", comment: "x", csrf_token};
                for (const [name, value] of Object.entries(fields)) {
                    form.append(Object.assign(document.createElement("input"), {type: "hidden", name, value}));
                }
                document.body.append(form);
                form.submit();
            }""",
            [f"/units/{UNION}/appraisals", str(demo.today.year)],
        )
    text = _check(page, lang, "forbidden")
    role = {"vi": "cán bộ kiểm tra, giám sát", "en": "auditor"}
    assert role[lang] in text and "auditor" not in text.replace(role[lang], "")
    page.context.close()
