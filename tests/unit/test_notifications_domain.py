"""Notifications' rules without I/O: retry budget, quiet hours, reminders, recipients, Vietnamese text."""

from __future__ import annotations

import random
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from chudong.runner import ServiceProcess, System
from services.notifications.domain.alerts import Alert, merged
from services.notifications.domain.commands import SubscribeOfficer
from services.notifications.domain.deadlines import (
    DEFAULT_DEADLINES,
    load_deadlines,
    reminder_due,
    years_in_view,
)
from services.notifications.domain.messages import render
from services.notifications.domain.open_items import OpenItem, item_of
from services.notifications.domain.subscriptions import Officer, Subscription, plan_deliveries, subscribed
from services.notifications.domain.timing import RetryPolicy, in_quiet_hours, next_digest_at, quiet_hours_end
from services.notifications.settings import NotificationSettings
from shared.contracts.notifications import AlertKind, Channel, DeliveryMode, QuietHours
from shared.errors import DomainError
from shared.settings import CommonSettings
from tests.fakes import refusal

T0 = datetime(2026, 10, 20, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


def test_the_default_retry_policy_makes_eight_tries_within_thirty_minutes() -> None:
    policy = RetryPolicy()
    for seed in range(20):
        rng = random.Random(seed)
        tries, now = 1, T0
        while (at := policy.next_attempt(tries, T0, now, rng)) is not None:
            assert at > now
            now, tries = at, tries + 1
        assert tries == 8
        assert now <= T0 + timedelta(minutes=30)


def test_the_retry_policy_gives_up_when_the_budget_is_spent() -> None:
    policy = RetryPolicy(max_attempts=100, budget=timedelta(minutes=5))
    assert policy.next_attempt(3, T0, T0 + timedelta(minutes=5)) is None
    assert policy.next_attempt(3, T0, T0 + timedelta(minutes=4, seconds=50)) == T0 + timedelta(minutes=5)


def test_quiet_hours_span_midnight_in_vietnam_time() -> None:
    quiet = QuietHours(start=time(22), end=time(6, 30))
    late = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)  # 23:00 in Vietnam
    assert in_quiet_hours(late, quiet) and not in_quiet_hours(T0, quiet)
    assert quiet_hours_end(late, quiet) == datetime(2026, 10, 20, 23, 30, tzinfo=UTC)
    assert next_digest_at(T0, 7) == datetime(2026, 10, 21, 0, 0, tzinfo=UTC)


def test_each_reminder_is_named_once_and_a_missed_one_is_sent_late_rather_than_lost() -> None:
    due = date(2026, 11, 10)
    reminders = (30, 7, 1)
    assert reminder_due(due, date(2026, 10, 10), reminders, 60) is None
    assert reminder_due(due, date(2026, 10, 11), reminders, 60) == "before-30"
    assert reminder_due(due, date(2026, 11, 4), reminders, 60) == "before-7"
    assert reminder_due(due, date(2026, 11, 8), reminders, 60) == "before-7"
    assert reminder_due(due, date(2026, 11, 10), reminders, 60) == "before-1"
    assert reminder_due(due, date(2026, 11, 11), reminders, 60) == "overdue-2026-11-11"
    assert reminder_due(due, date(2027, 1, 10), reminders, 60) is None


def test_the_registration_deadline_falls_in_the_year_before_the_model_year() -> None:
    [registration] = [d for d in DEFAULT_DEADLINES if d.deadline_id == "model_registration"]
    assert registration.due_on(2027) == date(2026, 11, 10)
    assert years_in_view(registration, date(2026, 11, 1)) == [2027]


def test_a_province_overrides_the_deadlines_with_its_own_file() -> None:
    rules = load_deadlines(
        "deadlines:\n"
        "  - deadline_id: self_assessment\n"
        "    title: Nộp bản tự đánh giá\n"
        "    month: 12\n"
        "    day: 1\n"
        "    reminders_days: [14, 3]\n"
        "    met_by: [SelfAssessmentSubmitted]\n"
    )
    assert rules[0].due_on(2026) == date(2026, 12, 1) and rules[0].reminders_days == (14, 3)


def _alert(path: str = "vn.bg.bg-pl.pl-x", critical: bool = False) -> Alert:
    return Alert("e-1", AlertKind.INDICATOR_AT_RISK, path.rsplit(".", 1)[-1], path, T0, critical, {})


def test_overlapping_subscriptions_give_one_delivery_per_officer_and_channel() -> None:
    officer = Officer("o-1", "bg-pl", email="o@x.vn")
    subs = [
        Subscription("s-1", "o-1", "vn.bg.bg-pl", tuple(AlertKind), (Channel.EMAIL, Channel.INBOX)),
        Subscription("s-2", "o-1", "vn.bg.bg-pl.pl-x", (AlertKind.INDICATOR_AT_RISK,), (Channel.EMAIL,)),
        Subscription("s-3", "o-2", "vn.bg.bg-vy", tuple(AlertKind), (Channel.INBOX,)),
    ]
    planned = plan_deliveries(_alert(), subs, {"o-1": officer}, [], T0)
    assert sorted((p.officer_id, p.channel.value) for p in planned) == [("o-1", "email"), ("o-1", "inbox")]


def test_quiet_hours_and_digests_hold_routine_alerts_but_not_critical_ones() -> None:
    late = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)
    officer = Officer("o-1", "bg-pl", email="o@x.vn")
    quiet = Subscription(
        "s-1",
        "o-1",
        "vn",
        tuple(AlertKind),
        (Channel.EMAIL,),
        quiet_hours=QuietHours(start=time(22), end=time(6)),
    )
    digest = Subscription("s-2", "o-2", "vn", tuple(AlertKind), (Channel.EMAIL,), mode=DeliveryMode.DIGEST)
    officers = {"o-1": officer, "o-2": Officer("o-2", "bg", email="p@x.vn")}
    routine = {p.officer_id: p.status for p in plan_deliveries(_alert(), [quiet, digest], officers, [], late)}
    assert routine == {"o-1": "deferred", "o-2": "in_digest"}
    urgent = {
        p.officer_id: p.status
        for p in plan_deliveries(_alert(critical=True), [quiet, digest], officers, [], late)
    }
    assert urgent == {"o-1": "pending", "o-2": "pending"}


def test_a_subscription_names_each_kind_and_channel_once_and_dead_letters_only_for_an_operator() -> None:
    dead_letters = SubscribeOfficer(
        unit_id="bg-pl", kinds=(AlertKind.DEAD_LETTER, AlertKind.DEAD_LETTER), channels=(Channel.INBOX,)
    )
    with pytest.raises(DomainError) as refused:
        subscribed(dead_letters, subscription_id="sub-1", officer_id="o-1", officer=None, operator=False)
    assert refusal(refused.value) == ("forbidden_role", "kinds", ["dead_letter", "dead_letter"])
    assert refused.value.status_code == 403
    event = subscribed(dead_letters, subscription_id="sub-1", officer_id="o-1", officer=None, operator=True)
    assert (event.subscription_id, event.kinds, event.channels) == (
        "sub-1",
        (AlertKind.DEAD_LETTER,),
        (Channel.INBOX,),
    )


def test_a_subscription_names_only_channels_that_reach_the_officer() -> None:
    by_mail = SubscribeOfficer(
        unit_id="bg-pl", kinds=(AlertKind.COMPLIANCE_CHANGED,), channels=(Channel.EMAIL, Channel.EMAIL)
    )
    with pytest.raises(DomainError) as refused:
        subscribed(
            by_mail,
            subscription_id="sub-1",
            officer_id="o-1",
            officer=Officer("o-1", "bg-pl"),
            operator=False,
        )
    assert refusal(refused.value) == ("email_address_missing", "channels", ["email"])
    reachable = Officer("o-1", "bg-pl", email="o-1@huyendoan.vn")
    event = subscribed(by_mail, subscription_id="sub-1", officer_id="o-1", officer=reachable, operator=False)
    assert event.channels == (Channel.EMAIL,) and event.unit_id == "bg-pl"


def test_the_text_keeps_its_vietnamese_diacritics_composed() -> None:
    message = render(
        AlertKind.COMPLIANCE_CHANGED,
        {
            "year": 2026,
            "criterion": 1,
            "old_status": "pass",
            "new_status": "fail",
            "missing": ["Chưa rà soát"],
        },
        ["Đoàn cơ sở xã Phước Lộc", "Huyện đoàn Phước Long"],
        "https://chudong.example/x",
    )
    assert message.subject == "[3 chủ động] Đoàn cơ sở xã Phước Lộc: tiêu chí 1 Không đạt"
    assert (
        "Tiêu chí 1 – Chủ động thực hiện quản lý đoàn viên và chăm lo, nắm bắt tình hình thanh niên"
        in message.body
    )
    assert "Đơn vị: Đoàn cơ sở xã Phước Lộc – Huyện đoàn Phước Long" in message.body
    assert "  • Chưa rà soát" in message.body
    assert unicodedata.is_normalized("NFC", message.subject + message.body)


def test_an_alert_cites_the_evidence_recorded_late_and_how_the_rules_count_it() -> None:
    late = [
        {"indicator_id": "C2.2", "unit_id": f"dcs-1-b{n}", "occurred_on": f"2026-0{n}-10", "days_late": 300 - n,
         "counts_as": "at_risk" if n == 1 else "counted"}
        for n in range(1, 8)
    ]  # fmt: skip
    facts = {"year": 2026, "criterion": 2, "old_status": "fail", "new_status": "at_risk", "late": late}
    body = render(AlertKind.COMPLIANCE_CHANGED, facts, ["Đoàn xã Tân Hoa"], "https://x/").body
    assert (
        "Minh chứng ghi nhận muộn:\n"
        "  • C2.2 – dcs-1-b1, ngày 10/01/2026: ghi nhận muộn 299 ngày, quá thời hạn ghi nhận: chỉ tính là có nguy cơ\n"
        "  • C2.2 – dcs-1-b2, ngày 10/02/2026: ghi nhận muộn 298 ngày\n"
    ) in body
    assert "dcs-1-b5" in body and "dcs-1-b6" not in body  # five listed, then the link
    assert (
        "  … và các minh chứng khác (xem đường dẫn bên dưới)\n\nXem giải thích và minh chứng: https://x/"
        in body
    )
    risk = {"year": 2026, "criterion": 2, "indicator_id": "C2.2", "period": "2026", "closes_on": "2026-12-31",
            "late": late[:1]}  # fmt: skip
    assert "ghi nhận muộn 299 ngày" in render(AlertKind.INDICATOR_AT_RISK, risk, [], "https://x/").body
    on_time = render(AlertKind.COMPLIANCE_CHANGED, {**facts, "late": []}, [], "https://x/").body
    assert "ghi nhận muộn" not in on_time


def test_alert_links_follow_the_dashboard_that_chudong_run_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """With --free-ports the dashboard is not on 8105: notifications learns where it is from `chudong run`."""
    system = System(CommonSettings(), free_ports=True)
    system.services = [ServiceProcess("notifications", 41001), ServiceProcess("dashboard", 41002)]
    env = system.environment(system.services[0], Path("/tmp/chudong"))
    for name in ("NOTIFICATIONS_PUBLIC_URL", "CHUDONG_PUBLIC_URL", "CHUDONG_DASHBOARD_URL"):
        monkeypatch.delenv(name, raising=False)
    assert NotificationSettings().public_url == "http://127.0.0.1:8105"
    monkeypatch.setenv("CHUDONG_DASHBOARD_URL", env["CHUDONG_DASHBOARD_URL"])
    assert NotificationSettings().public_url == "http://127.0.0.1:41002"
    # A deployment names the address officers reach, which wins over where the process listens.
    monkeypatch.setenv("CHUDONG_PUBLIC_URL", "https://3cd.tinhdoan.vn")
    assert NotificationSettings().public_url == "https://3cd.tinhdoan.vn"
    monkeypatch.setenv("NOTIFICATIONS_PUBLIC_URL", "https://canhbao.tinhdoan.vn")
    assert NotificationSettings().public_url == "https://canhbao.tinhdoan.vn"


def change(event_id: str, **fields: object) -> Alert:
    facts = {"year": 2026, "changes": [{"event_id": event_id, **fields}], "missing": ["Chưa họp"], "late": []}
    return Alert(
        "change:compliance-dcs-1-2026@t", AlertKind.INDICATOR_AT_RISK, "dcs-1", "vn.dcs-1", T0, False, facts
    )


def test_a_change_gathers_its_parts_once_each_and_takes_the_weight_of_the_weightiest() -> None:
    risk = change(
        "e-1",
        kind="indicator_at_risk",
        criterion=2,
        indicator_id="C2.2",
        period="2026",
        closes_on="2026-12-31",
    )
    failing = change("e-2", kind="compliance_changed", criterion=0, old_status="pass", new_status="fail")
    assert risk.indicator_id == "C2.2" and risk.alert_id == failing.alert_id
    joined = merged(failing, risk.facts)
    assert joined is not None
    assert joined.kind is AlertKind.COMPLIANCE_CHANGED and joined.critical and joined.indicator_id is None
    assert joined.kinds == (AlertKind.COMPLIANCE_CHANGED, AlertKind.INDICATOR_AT_RISK)
    assert joined.facts["missing"] == ["Chưa họp"]
    assert merged(failing, joined.facts) is None  # the same event again
    assert item_of(joined, None) == OpenItem("status:2026", True)
    passing = change("e-3", kind="compliance_changed", criterion=0, old_status="fail", new_status="pass")
    assert item_of(passing, True) == OpenItem("status:2026", False)
    criterion_only = change(
        "e-4", kind="compliance_changed", criterion=2, old_status="pass", new_status="at_risk"
    )
    assert item_of(criterion_only, False) == OpenItem("status:2026", False)  # the union's status is as it was
    assert item_of(criterion_only, None) == OpenItem("status:2026", True)


def test_an_alert_reads_in_vietnamese_by_default_and_in_english_from_the_same_catalogs() -> None:
    risk = change(
        "e-1",
        kind="indicator_at_risk",
        criterion=2,
        indicator_id="C2.2",
        period="2026",
        closes_on="2026-12-31",
    )
    failing = change("e-2", kind="compliance_changed", criterion=0, old_status="pass", new_status="fail")
    joined = merged(failing, risk.facts)
    assert joined is not None
    names = ["Đoàn xã Tân Hoa", "Huyện đoàn Phước Long"]
    vi = render(joined.kind, joined.facts, names, "https://x/")
    en = render(joined.kind, joined.facts, names, "https://x/", lang="en")
    assert vi.subject == "[3 chủ động] Đoàn xã Tân Hoa: “3 chủ động” Không đạt (và 1 thay đổi khác)"
    assert en.subject == "[3 chủ động] Đoàn xã Tân Hoa: “3 chủ động” failing (and 1 other change)"
    assert "năm 2026 chuyển từ «Đạt» sang «Không đạt»." in vi.body  # a year, not "2.026"
    assert "for 2026 moved from «passing» to «failing»." in en.body
    assert "nếu đến hết ngày 31/12/2026 chưa ghi nhận" in vi.body and "by the end of 31/12/2026" in en.body
    facts = {
        "year": 2027,
        "deadline_title": DEFAULT_DEADLINES[0].title,
        "due_on": "2026-11-10",
        "days_left": 1,
    }
    reminder = render(AlertKind.DEADLINE_APPROACHING, facts, names, "https://x/")
    assert (
        reminder.subject
        == "[3 chủ động] Đoàn xã Tân Hoa: còn 1 ngày – Đăng ký xây dựng mô hình “Đoàn cơ sở 3 chủ động”"
    )
    english = render(AlertKind.DEADLINE_APPROACHING, facts, names, "https://x/", lang="en")
    assert english.subject.endswith(": 1 day left – Register to build the “Đoàn cơ sở 3 chủ động” model")
    own = render(
        AlertKind.DEADLINE_APPROACHING,
        {**facts, "deadline_title": "Hạn riêng của tỉnh"},
        names,
        "",
        lang="en",
    )
    assert own.subject.endswith("– Hạn riêng của tỉnh")  # a province's own title, as it wrote it
