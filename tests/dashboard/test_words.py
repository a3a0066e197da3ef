"""What pages say instead of ids and codes: events in words, names in messages, refusals from the catalogs."""

from __future__ import annotations

from typing import Any

import pytest

from services.dashboard.domain.events import MEMBER_KINDS, SENTENCES, describe, member_of
from services.dashboard.domain.names import A_MEMBER, mentioned, named
from services.dashboard.domain.refusals import RULES, refusal, token_problem
from shared.i18n import Message, _

BRANCHES = {"bg-dcs014-cd02": "Chi đoàn 2"}
MEMBERS: dict[str, str | Message] = {
    "m-7": "Nguyễn Văn An",
    "m-8": _("Member #{number} of {branch}", number=3, branch="Chi đoàn 2"),
}
ENGLISH = ("branch", "member", "meeting", "recorded", "the ", " of ", "unit", "None")


def unit(unit_id: str) -> str:
    return BRANCHES.get(unit_id, unit_id)


def member(member_id: str) -> str | Message:
    return MEMBERS.get(member_id, A_MEMBER)


def event(kind: str, **fields: Any) -> dict[str, Any]:
    base = {
        "kind": kind,
        "unit_id": "bg-dcs014-cd02",
        "occurred_on": "2026-01-13",
        "subject": "",
        "number": 0,
        "total": 0,
        "tag": "",
    }
    return {**base, **fields}


def test_a_meeting_is_said_as_officers_say_it() -> None:
    said = describe(event("meeting", number=16, total=20, tag="periodic"), unit, member)
    assert said.render("vi") == "Chi đoàn 2 sinh hoạt ngày 13/01/2026, 16/20 đoàn viên có mặt"
    assert said.render("en") == "Chi đoàn 2 held its meeting on 13/01/2026, 16/20 members present"
    joint = describe(event("meeting", tag="joint"), unit, member)
    assert joint.render("vi") == "Chi đoàn 2 sinh hoạt liên chi ngày 13/01/2026"


def test_members_are_named_as_the_reader_may_see_them() -> None:
    admitted = describe(event("member_joined", subject="m-7"), unit, member)
    assert admitted.render("vi") == "Kết nạp Nguyễn Văn An vào Chi đoàn 2 ngày 13/01/2026"
    rated = describe(event("member_rated", subject="m-8", number=2026, tag="good"), unit, member)
    assert rated.render("vi") == "Đoàn viên #3 của Chi đoàn 2 được xếp loại năm 2026: hoàn thành tốt nhiệm vụ"
    assert rated.render("en") == "Member #3 of Chi đoàn 2 rated for 2026: completed tasks well"
    referred = describe(event("party_referral", subject="r-1", tag="m-unknown"), unit, member)
    assert referred.render("vi") == "một đoàn viên được giới thiệu cho Đảng xem xét kết nạp ngày 13/01/2026"
    assert member_of(event("party_referral", subject="r-1", tag="m-7")) == "m-7"
    assert member_of(event("meeting", subject="mt-1")) is None


@pytest.mark.parametrize("kind", sorted({*SENTENCES, "party_admission", "unheard_of"}))
def test_every_kind_reads_in_vietnamese_without_ids_or_english(kind: str) -> None:
    # The member in the field that names them; a month in the tag otherwise (dues, tasks of a month).
    fields = (
        {"subject": "ac-1", "tag": "m-7"}
        if MEMBER_KINDS.get(kind) == "tag"
        else {"subject": "m-7", "tag": "2026-10"}
    )
    said = describe(event(kind, number=3, total=5, **fields), unit, member)
    vietnamese = said.render("vi")
    assert "bg-dcs014-cd02" not in vietnamese and "m-7" not in vietnamese and "{" not in vietnamese
    assert not [word for word in ENGLISH if word in vietnamese], vietnamese
    assert said.render("en") != vietnamese


def test_ids_in_a_messages_parameters_become_names_in_both_languages() -> None:
    message = _("branch {branch}: {what}", branch="bg-dcs014-cd02", what=_("member {member}", member="m-7"))
    found = mentioned({"items": [message.model_dump(mode="json")], "other": "bg-x"})
    assert found.units >= {"bg-dcs014-cd02", "m-7"} and found.members == {"m-7"}
    shown = named(Message.model_validate(message.model_dump(mode="json")), {**BRANCHES, **MEMBERS})
    assert shown.params["branch"] == "Chi đoàn 2"
    assert shown.render("en") == "branch Chi đoàn 2: member Nguyễn Văn An"


def test_a_refusal_reads_in_the_officers_words_and_a_code_never_shows() -> None:
    step = refusal(
        409, "recognition_step", field="stage", value="registered", accepted="self_assessed or appraised"
    )
    assert step.text.render("vi") == (
        "Hồ sơ công nhận đang ở bước “Đã đăng ký”: cần đến bước “Đã tự đánh giá hoặc Đã thẩm định” "
        "mới thực hiện được việc này."
    )
    assert "Registered" in step.text.render("en")
    recogniser = refusal(
        403, "not_recognising_unit", value="bg", accepted="bg-pl", unit={"bg-pl": "Huyện đoàn Phước Long"}.get
    )
    assert (
        recogniser.text.render("vi")
        == "Chỉ đơn vị công nhận (Huyện đoàn Phước Long) mới được thẩm định và quyết định công nhận."
    )
    assert recogniser.title.render("vi") == "Không có quyền truy cập"
    role = refusal(403, "forbidden_role", field="role", value="auditor")
    assert (
        role.text.render("vi") == "Vai trò của bạn (cán bộ kiểm tra, giám sát) không được thực hiện việc này."
    )
    form = refusal(422, "invalid_request", field="comment", value="")
    assert form.text.render("vi") == "Thông tin nhập còn thiếu hoặc chưa hợp lệ: Nhận xét."
    unknown = refusal(409, "some_new_rule", value="x")
    assert unknown.text.render("vi") == "Chưa thể thực hiện việc này ở bước hiện tại."
    assert refusal(502, "upstream_error").text.render("vi").startswith("Hệ thống đang bận")
    assert refusal(404, "not_found").title.render("en") == "Not found"
    assert token_problem("expired") is not None and token_problem("<script>") is None


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_known_refusal_has_vietnamese_without_placeholders(rule: str) -> None:
    text = refusal(422, rule, field="comment", value="v", accepted="a").text.render("vi")
    assert "{" not in text and text != RULES[rule]
