"""An officer who subscribes after problems exist receives what is open now about their units as a first
digest (each item in their inbox): unions failing or at risk, self-assessments awaiting a decision, the
reminders of deadlines not met; not what was closed since, nor what is outside their scope."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.notifications.app.scheduler import Scheduler
from shared.clock import FixedClock
from shared.contracts.evaluation import RecognitionDenied, SelfAssessmentSubmitted, Status
from shared.contracts.planning import ModelRegistered
from tests.notifications.conftest import Notifications, Start
from tests.notifications.servers import Mailbox
from tests.notifications.world import PATHS, compliance_changed, officer

PL = officer("district_officer", "bg-pl", "officer-pl")
# 5 November 2026, 10:00 in Vietnam: five days before the deadline to register the 2027 model.
MORNING = datetime(2026, 11, 5, 3, 0, tzinfo=UTC)


def submitted(unit: str) -> SelfAssessmentSubmitted:
    return SelfAssessmentSubmitted(unit_id=unit, year=2026, submitted_on=date(2026, 11, 1))


async def what_happened_before(service: Notifications) -> None:
    """pl-x fails; pl-z was at risk and passes again; vy-y (another district) fails; pl-x and vy-y wait for
    a decision, pl-z's was denied; pl-z registered its 2027 model, pl-x did not: reminders."""
    evaluation = service.evaluation
    await evaluation.emit(compliance_changed("pl-x", Status.FAIL, criterion=0), PATHS["pl-x"])
    await evaluation.emit(compliance_changed("pl-z", Status.AT_RISK, criterion=0), PATHS["pl-z"])
    await evaluation.emit(
        compliance_changed("pl-z", Status.PASS, criterion=0, old=Status.AT_RISK), PATHS["pl-z"]
    )
    await evaluation.emit(compliance_changed("vy-y", Status.FAIL, criterion=0), PATHS["vy-y"])
    for unit in ("pl-x", "pl-z", "vy-y"):
        await evaluation.emit(submitted(unit), PATHS[unit])
    denied = RecognitionDenied(
        unit_id="pl-z", year=2026, decided_on=date(2026, 11, 3), reasons=("Thiếu",), denied_by_unit_id="bg-pl"
    )
    await evaluation.emit(denied, PATHS["pl-z"])
    registered = ModelRegistered(
        unit_id="pl-z", year=2027, registered_on=date(2026, 11, 2), recognising_unit_id="bg-pl"
    )
    await service.planning.emit(registered, PATHS["pl-z"])
    await service.caught_up()
    scheduler: Scheduler = service.app.state.scheduler
    assert await scheduler.remind() == 2  # pl-x and vy-y have not registered their 2027 model


async def test_a_new_subscriber_receives_what_is_open_about_their_units_as_one_first_digest(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    mailbox.start()
    clock = FixedClock(MORNING)
    async with start_notifications(clock, smtp_port=mailbox.port) as service:
        await what_happened_before(service)
        await service.dispatcher.run_once()
        assert mailbox.messages == []  # nobody had subscribed, nor left an address

        await service.client.put("/officers/me", headers=PL, json={"email": "pl@huyendoan.vn"})
        answer = await service.client.post(
            "/subscriptions", headers=PL, json={"unit_id": "bg-pl", "channels": ["email", "inbox"]}
        )
        assert answer.status_code == 201, answer.text
        await service.settled(PL, 1 + 3 + 3)  # the digest, its three items, three inbox items
        await service.dispatcher.run_once()

        [digest] = mailbox.messages
        assert digest["Subject"] == "[3 chủ động] Tổng hợp 3 cảnh báo ngày 05/11/2026"
        text = digest.get_content()
        assert "Đơn vị pl-x: “3 chủ động” Không đạt" in text
        assert "Đơn vị pl-x đã nộp bản tự đánh giá năm 2026 – chờ thẩm định" in text
        assert "Đơn vị pl-x: còn 5 ngày – Đăng ký xây dựng mô hình" in text
        assert "pl-z" not in text and "vy-y" not in text
        inbox = (await service.client.get("/inbox", headers=PL)).json()
        assert inbox["unread"] == 3
        assert all(i["unit_id"] == "pl-x" for i in inbox["items"])

        # A second subscription over the same units repeats nothing.
        again = await service.client.post(
            "/subscriptions", headers=PL, json={"unit_id": "pl-x", "channels": ["email", "inbox"]}
        )
        assert again.status_code == 201
        await service.dispatcher.run_once()
        assert len(mailbox.messages) == 1
        assert (await service.client.get("/inbox", headers=PL)).json()["total"] == 3


async def test_the_first_digest_holds_only_the_kinds_subscribed_and_what_is_still_open(
    start_notifications: Start,
) -> None:
    clock = FixedClock(MORNING)
    async with start_notifications(clock) as service:
        await what_happened_before(service)
        await service.evaluation.emit(submitted("pl-x"), PATHS["pl-x"])  # the same again: nothing new
        decided = RecognitionDenied(
            unit_id="pl-x",
            year=2026,
            decided_on=date(2026, 11, 4),
            reasons=("Thiếu",),
            denied_by_unit_id="bg-pl",
        )
        await service.evaluation.emit(decided, PATHS["pl-x"])
        await service.caught_up()
        # Subscribed before registering: they follow what they chose, not the defaults.
        answer = await service.client.post(
            "/subscriptions",
            headers=PL,
            json={"unit_id": "bg-pl", "kinds": ["recognition_awaiting_decision", "deadline_approaching"]},
        )
        assert answer.status_code == 201, answer.text
        await service.client.put("/officers/me", headers=PL, json={})
        subjects = [i["subject"] for i in (await service.client.get("/inbox", headers=PL)).json()["items"]]
        assert subjects == [
            "[3 chủ động] Đơn vị pl-x: còn 5 ngày – Đăng ký xây dựng mô hình “Đoàn cơ sở 3 chủ động”"
        ]

        # Once its reminders stop (60 days overdue), a deadline is no longer an open item.
        clock.advance(timedelta(days=70))
        other = officer("district_officer", "bg-pl", "officer-pl-2")
        await service.client.post("/subscriptions", headers=other, json={"unit_id": "bg-pl"})
        subjects = [i["subject"] for i in (await service.client.get("/inbox", headers=other)).json()["items"]]
        assert subjects == ["[3 chủ động] Đơn vị pl-x: “3 chủ động” Không đạt"]


async def test_an_officer_who_registers_without_subscribing_receives_the_open_items_of_the_unions_their_unit_recognises(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    """By default the officers of a recognising unit receive its unions' alerts: registering is their
    subscription, and what is open now comes with it."""
    mailbox.start()
    clock = FixedClock(MORNING)
    async with start_notifications(clock, smtp_port=mailbox.port) as service:
        await what_happened_before(service)
        vy = officer("district_officer", "bg-vy", "officer-vy")
        assert (await service.client.put("/officers/me", headers=vy, json={})).status_code == 200
        vy_subjects = {i["subject"] for i in (await service.client.get("/inbox", headers=vy)).json()["items"]}
        assert vy_subjects == {
            "[3 chủ động] Đơn vị vy-y: “3 chủ động” Không đạt",
            "[3 chủ động] Đơn vị vy-y đã nộp bản tự đánh giá năm 2026 – chờ thẩm định",
            "[3 chủ động] Đơn vị vy-y: còn 5 ngày – Đăng ký xây dựng mô hình “Đoàn cơ sở 3 chủ động”",
        }

        await service.client.put("/officers/me", headers=PL, json={"email": "pl@huyendoan.vn"})
        await service.client.put(
            "/officers/me", headers=PL, json={"email": "pl@huyendoan.vn", "name": "Hằng"}
        )
        await service.settled(PL, 1 + 3 + 3)
        await service.dispatcher.run_once()
        [digest] = mailbox.messages
        assert digest["To"] == "pl@huyendoan.vn" and "Tổng hợp 3 cảnh báo" in digest["Subject"]
        assert (await service.client.get("/inbox", headers=PL)).json()["total"] == 3
        # The province's officers recognise no union here: registering brings them nothing.
        province = officer("province_officer", "bg", "officer-bg")
        await service.client.put("/officers/me", headers=province, json={})
        assert (await service.client.get("/inbox", headers=province)).json()["total"] == 0
