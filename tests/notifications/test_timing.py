"""Quiet hours defer non-critical alerts; digests gather a day's alerts into one message per officer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.clock import FixedClock
from shared.contracts.evaluation import Status
from tests.notifications.conftest import Start
from tests.notifications.servers import Mailbox
from tests.notifications.world import PATHS, compliance_changed, indicator_at_risk, officer

PL = officer("district_officer", "bg-pl", "officer-pl")
# 23:00 in Vietnam (UTC+7).
LATE_EVENING = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)


async def test_quiet_hours_hold_a_routine_alert_until_morning_but_not_a_union_that_fails(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    mailbox.start()
    clock = FixedClock(LATE_EVENING)
    async with start_notifications(clock, smtp_port=mailbox.port) as service:
        await service.client.put("/officers/me", headers=PL, json={"email": "pl@huyendoan.vn"})
        answer = await service.client.post(
            "/subscriptions",
            headers=PL,
            json={
                "unit_id": "bg-pl",
                "channels": ["email"],
                "quiet_hours": {"start": "22:00", "end": "06:30"},
            },
        )
        assert answer.status_code == 201, answer.text
        await service.evaluation.emit(indicator_at_risk(), PATHS["pl-x"])
        await service.evaluation.emit(compliance_changed("pl-z", Status.FAIL, criterion=0), PATHS["pl-z"])
        await service.caught_up()
        [failing] = await service.settled(PL, 1)
        assert failing["status"] == "delivered"
        assert "pl-z" in mailbox.messages[0]["Subject"] and "Không đạt" in mailbox.messages[0]["Subject"]
        [waiting] = [d for d in await service.deliveries(PL) if d["status"] == "deferred"]
        # 06:30 the next morning in Vietnam.
        assert datetime.fromisoformat(waiting["due_at"]).replace(tzinfo=UTC) == datetime(
            2026, 10, 20, 23, 30, tzinfo=UTC
        )
        await service.dispatcher.run_once()
        assert len(mailbox.messages) == 1

        clock.advance(timedelta(hours=7, minutes=30))
        await service.settled(PL, 2)
        assert len(mailbox.messages) == 2
        assert "chỉ tiêu C2.2 có nguy cơ không đạt" in mailbox.messages[1]["Subject"]


async def test_a_digest_gathers_the_days_alerts_into_one_message(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    mailbox.start()
    clock = FixedClock(datetime(2026, 10, 20, 3, 0, tzinfo=UTC))  # 10:00 in Vietnam
    async with start_notifications(clock, smtp_port=mailbox.port) as service:
        await service.client.put("/officers/me", headers=PL, json={"email": "pl@huyendoan.vn"})
        answer = await service.client.post(
            "/subscriptions",
            headers=PL,
            json={"unit_id": "bg-pl", "channels": ["email", "inbox"], "mode": "digest", "digest_hour": 7},
        )
        assert answer.status_code == 201, answer.text
        await service.evaluation.emit(indicator_at_risk("pl-x"), PATHS["pl-x"])
        await service.evaluation.emit(compliance_changed("pl-z"), PATHS["pl-z"])
        await service.caught_up()
        # The inbox does not wait for the digest.
        assert (await service.client.get("/inbox/unread-count", headers=PL)).json() == {"unread": 2}
        await service.dispatcher.run_once()
        assert mailbox.messages == []
        assert {d["status"] for d in await service.deliveries(PL, channel="email")} == {"in_digest"}

        clock.advance(timedelta(hours=21))  # 07:00 the next day in Vietnam
        await service.settled(PL, 3 + 2)  # the digest, its two items, and the two inbox items
        await service.dispatcher.run_once()
        assert len(mailbox.messages) == 1
        digest = mailbox.messages[0]
        assert digest["Subject"] == "[3 chủ động] Tổng hợp 2 cảnh báo ngày 21/10/2026"
        text = digest.get_content()
        assert "[Chỉ tiêu có nguy cơ không đạt]" in text and "[Kết quả đánh giá thay đổi]" in text
        emails = await service.deliveries(PL, channel="email")
        items = [d for d in emails if d["alert_id"] is not None]
        [sent] = [d for d in emails if d["alert_id"] is None]
        assert {d["digest_id"] for d in items} == {sent["delivery_id"]}
        assert {d["status"] for d in emails} == {"delivered"}
