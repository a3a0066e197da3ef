"""The pages in the officer's words: events said in sentences, refusals and error pages from the catalogs,
in Vietnamese and in English, with no code or English internals on a Vietnamese page."""

from __future__ import annotations

import re
from datetime import timedelta

from services.dashboard.api.session import LANG_COOKIE
from shared.auth import Role, mint_token
from tests.dashboard import test_pages
from tests.dashboard.test_pages import Pages
from tests.evaluation.conftest import SECRET

pages = test_pages.pages  # the same fixture: evaluation and the dashboard in process

HTML = {"Accept": "text/html"}
APPRAISAL = {
    "year": "2026",
    "criterion": "2",
    "verdict": "confirmed",
    "status": "pass",
    "comment": "Đủ minh chứng.",
}
ENGLISH = re.compile(r"\b(the|workflow|not|branch|meeting|recorded|member|unit|error|forbidden)\b")


def visible(html: str) -> str:
    """The text a reader sees: no tags, no attribute values, no script."""
    return re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1])


async def test_the_drill_down_says_each_event_in_words_and_keeps_ids_in_links(pages: Pages) -> None:
    officer = pages.officer()
    answer = await pages.client.get(
        "/units/dcs-1/indicators/C2.2", params={"as_of": "2026-10-31"}, headers=officer
    )
    assert answer.status_code == 200, answer.text
    seen = visible(answer.text)
    assert "Đơn vị dcs-1-b1 sinh hoạt ngày 10/01/2026, 8/10 đoàn viên có mặt" in seen
    ids = re.findall(r'data-event="([^"]+)"', answer.text)
    assert len(ids) == 15 and not [i for i in ids if i in seen]  # event ids only in attributes
    pages.client.cookies.set(LANG_COOKIE, "en")
    english = await pages.client.get(
        "/units/dcs-1/indicators/C2.2", params={"as_of": "2026-10-31"}, headers=officer
    )
    pages.client.cookies.delete(LANG_COOKIE)
    assert "Đơn vị dcs-1-b1 held its meeting on 10/01/2026, 8/10 members present" in english.text


async def test_a_refused_appraisal_is_said_on_the_union_page_in_the_officers_language(pages: Pages) -> None:
    officer = pages.officer()
    posted = await pages.client.post("/units/dcs-1/appraisals", data=APPRAISAL, headers=officer)
    assert posted.status_code == 303 and "error=" in posted.headers["location"], posted.text
    back = await pages.client.get(posted.headers["location"], headers=officer)
    notice = back.text.split('id="action-error"', 1)[1].split("</p>", 1)[0]
    rule = re.search(r'data-rule="([a-z_]+)"', notice)
    assert rule is not None and rule.group(1) in ("recognition_step", "not_recognising_unit"), notice
    said = notice.split(">", 1)[1]
    assert not ENGLISH.search(said), said
    assert "Chưa đăng ký" in said or "đơn vị công nhận" in said, said
    pages.client.cookies.set(LANG_COOKIE, "en")
    english = await pages.client.get(posted.headers["location"], headers=officer)
    pages.client.cookies.delete(LANG_COOKIE)
    assert "recognition" in english.text.split('id="action-error"', 1)[1].split("</p>", 1)[0]


async def test_a_role_that_may_not_appraise_gets_the_403_page_and_a_program_gets_json(pages: Pages) -> None:
    auditor = pages.officer("bg-pl", "auditor")
    page = await pages.client.post("/units/dcs-1/appraisals", data=APPRAISAL, headers={**auditor, **HTML})
    assert page.status_code == 403
    seen = visible(page.text)
    assert "Không có quyền truy cập" in seen
    assert "Vai trò của bạn (cán bộ kiểm tra, giám sát) không được thực hiện việc này." in seen
    assert 'data-rule="forbidden_role"' in page.text and not ENGLISH.search(seen)
    program = await pages.client.post("/units/dcs-1/appraisals", data=APPRAISAL, headers=auditor)
    assert program.status_code == 403 and program.json()["error"] == "forbidden_role"


async def test_error_pages_read_in_each_language(pages: Pages) -> None:
    officer = {**pages.officer(), **HTML}
    nowhere = await pages.client.get("/no/such/page", headers=officer)
    assert nowhere.status_code == 404 and "Trang này không tồn tại." in nowhere.text
    english = await pages.client.get("/no/such/page", params={"lang": "en"}, headers=officer)
    assert "This page does not exist." in english.text and 'lang="en"' in english.text
    wrong_day = await pages.client.get("/units/dcs-1", params={"as_of": "31/02/2026"}, headers=officer)
    assert wrong_day.status_code == 422
    assert "“31/02/2026” không phải là ngày hợp lệ: hãy nhập theo dạng dd/mm/yyyy" in wrong_day.text
    empty = await pages.client.post(
        "/units/dcs-1/appraisals", data={**APPRAISAL, "comment": ""}, headers=officer
    )
    assert empty.status_code == 422 and "Thông tin nhập còn thiếu hoặc chưa hợp lệ: Nhận xét." in empty.text
    for answer in (nowhere, wrong_day, empty):
        assert not ENGLISH.search(visible(answer.text)), visible(answer.text)
    assert (await pages.client.get("/no/such/page")).json()["error"] == "not_found"  # programs: JSON


async def test_sign_in_says_why_a_token_is_refused(pages: Pages) -> None:
    expired = mint_token(
        SECRET, subject="o", role=Role.DISTRICT_OFFICER, unit_id="bg-pl", lifetime=timedelta(seconds=-60)
    )
    form = await pages.client.get("/login/token")  # development tokens: not in production
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    refused = await pages.client.post(
        "/login/token", data={"token": expired, "next": "/", "csrf_token": csrf.group(1)}
    )
    assert refused.status_code == 401 and "Mã truy cập đã hết hạn" in refused.text
    assert "Signature has expired" not in refused.text  # the token library's English stays out
    form = await pages.client.get("/login", params={"error": "expired"})
    assert "Mã truy cập đã hết hạn" in form.text
    crafted = await pages.client.get("/login", params={"error": "Gọi số 0900 để nhận quà"})
    assert "0900" not in crafted.text  # the page says only what the catalogs hold
