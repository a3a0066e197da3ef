"""Reminders ahead of each deadline and daily once overdue, until the union meets it; dead letters
reach the operators who subscribed to them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.notifications.app.scheduler import Scheduler
from shared.bus import headers as h
from shared.bus.subjects import DEAD_LETTER_STREAM, dead_letter_subject
from shared.clock import FixedClock
from shared.contracts.planning import ModelRegistered
from tests.notifications.conftest import Notifications, Start
from tests.notifications.world import PATHS, indicator_at_risk, officer

PL = officer("district_officer", "bg-pl", "officer-pl")
OPERATOR = officer("admin", "vn", "operator")


def vietnam_morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam


async def inbox_subjects(service: Notifications, headers: dict[str, str]) -> list[str]:
    items: list[dict[str, Any]] = (
        await service.client.get("/inbox", headers=headers, params={"limit": 500})
    ).json()["items"]
    return sorted(i["subject"] for i in items)


async def subscribe_operator(service: Notifications) -> None:
    """The operator subscribes to the dead letters of the whole tree."""
    await service.client.put("/officers/me", headers=OPERATOR, json={})
    answer = await service.client.post(
        "/subscriptions", headers=OPERATOR, json={"unit_id": "vn", "kinds": ["dead_letter"]}
    )
    assert answer.status_code == 201, answer.text


async def give_up(
    service: Notifications, consumer: str, subject: str, sequence: int, why: dict[str, str]
) -> None:
    """``consumer`` gives up on the message at ``sequence`` of membership's stream (``why``: the error
    headers): its dead letter."""
    await service.js.publish(
        dead_letter_subject(consumer),
        b"{}",
        stream=DEAD_LETTER_STREAM,
        headers={
            h.CONSUMER: consumer,
            h.ORIGINAL_SUBJECT: subject,
            h.ORIGINAL_STREAM: "MEMBERSHIP",
            h.ORIGINAL_SEQUENCE: str(sequence),
            **why,
        },
    )


async def test_model_registration_reminders_come_before_the_deadline_and_daily_after_until_it_is_met(
    start_notifications: Start,
) -> None:
    clock = FixedClock(vietnam_morning(date(2026, 11, 5)))
    async with start_notifications(clock) as service:
        scheduler: Scheduler = service.app.state.scheduler
        assert (await service.client.put("/officers/me", headers=PL, json={})).status_code == 200
        assert await scheduler.remind() == 3  # pl-x, pl-z (this district) and vy-y (the other one)
        assert await scheduler.remind() == 0
        assert await inbox_subjects(service, PL) == [
            "[3 chủ động] Đơn vị pl-x: còn 5 ngày – Đăng ký xây dựng mô hình “Đoàn cơ sở 3 chủ động”",
            "[3 chủ động] Đơn vị pl-z: còn 5 ngày – Đăng ký xây dựng mô hình “Đoàn cơ sở 3 chủ động”",
        ]

        await service.planning.emit(
            ModelRegistered(
                unit_id="pl-x", year=2027, registered_on=date(2026, 11, 6), recognising_unit_id="bg-pl"
            ),
            PATHS["pl-x"],
        )
        await service.caught_up()
        clock.instant = vietnam_morning(date(2026, 11, 9))
        assert await scheduler.remind() == 2  # pl-z and vy-y, one day before
        clock.instant = vietnam_morning(date(2026, 11, 12))
        assert await scheduler.remind() == 2
        assert await scheduler.remind() == 0
        clock.advance(timedelta(days=1))
        assert await scheduler.remind() == 2
        subjects = await inbox_subjects(service, PL)
        assert [s for s in subjects if "pl-x" in s] == [subjects[0]]  # pl-x met it: nothing more
        assert sum("pl-z: quá hạn" in s for s in subjects) == 2
        assert sum("pl-z: còn 1 ngày" in s for s in subjects) == 1


async def test_an_indicator_at_risk_is_reminded_the_day_before_its_period_closes(
    start_notifications: Start,
) -> None:
    clock = FixedClock(vietnam_morning(date(2026, 10, 30)))
    async with start_notifications(clock, deadlines_file=None) as service:
        scheduler: Scheduler = service.app.state.scheduler
        scheduler.deadlines = ()
        await service.client.put("/officers/me", headers=PL, json={})
        await service.evaluation.emit(indicator_at_risk(closes_on=date(2026, 10, 31)), PATHS["pl-x"])
        await service.caught_up()
        assert await scheduler.remind() == 1
        subjects = await inbox_subjects(service, PL)
        assert (
            "[3 chủ động] Đơn vị pl-x: còn 1 ngày – Ghi nhận minh chứng cho chỉ tiêu C2.2 kỳ 2026-10"
            in subjects
        )


async def test_a_dead_letter_reaches_the_operators_who_subscribed_once(start_notifications: Start) -> None:
    async with start_notifications() as service:
        await service.client.put("/officers/me", headers=PL, json={})
        refused = await service.client.post(
            "/subscriptions", headers=PL, json={"unit_id": "bg-pl", "kinds": ["dead_letter"]}
        )
        assert refused.status_code == 403 and refused.json()["detail"][0]["field"] == "kinds"
        await subscribe_operator(service)
        subject = "membership.MemberJoined.vn.bg.bg-pl.pl-x.pl-x-1"
        why = {h.ERROR: "ValueError: bad payload", h.DELIVERIES: "5"}
        await give_up(service, "planning_meetings_MEMBERSHIP", subject, 7, why)
        scheduler: Scheduler = service.app.state.scheduler
        assert await scheduler.watch_dead_letters(service.js) == 1
        assert await scheduler.watch_dead_letters(service.js) == 0
        inbox = (await service.client.get("/inbox", headers=OPERATOR)).json()
        [item] = inbox["items"]
        assert (
            item["subject"] == "[chudong vận hành] planning_meetings_MEMBERSHIP không xử lý được một sự kiện"
        )
        assert "Lỗi: ValueError: bad payload" in item["body"] and item["link"].endswith("/admin/dead-letters")
        assert item["critical"] is True
        assert (await service.client.get("/inbox/unread-count", headers=PL)).json() == {"unread": 0}


async def test_a_refused_message_reaches_the_operators_of_the_whole_tree_whatever_its_subject(
    start_notifications: Start,
) -> None:
    async with start_notifications() as service:
        await subscribe_operator(service)
        # Whoever forged it chose a subject outside the tree: the alert must not follow it.
        subject = "membership.MemberJoined.zz.forged"
        why = {
            h.ERROR: "unsealed: membership.MemberJoined.zz.forged at sequence 9 carries no seal",
            h.REFUSED: "unsealed",
            h.DELIVERIES: "1",
        }
        await give_up(service, "evaluation_facts_MEMBERSHIP", subject, 9, why)
        scheduler: Scheduler = service.app.state.scheduler
        assert await scheduler.watch_dead_letters(service.js) == 1
        [item] = (await service.client.get("/inbox", headers=OPERATOR)).json()["items"]
        assert "Lỗi: unsealed: membership.MemberJoined.zz.forged" in item["body"]
        assert item["critical"] is True
