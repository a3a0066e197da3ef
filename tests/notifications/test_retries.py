"""An SMTP server that is down: delivered once it is back, exactly once; "undelivered" past the budget."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from tests.notifications.conftest import Notifications, Start
from tests.notifications.servers import Mailbox
from tests.notifications.world import PATHS, compliance_changed, officer
from tests.support import wait_until

PL = officer("district_officer", "bg-pl", "officer-pl")


async def _counted(service: Notifications) -> dict[str, float]:
    """The dispatcher's counters for email as ``/metrics`` serves them, by sample name."""
    answer = await service.client.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
        if family.name.startswith("chudong_alert") and sample.labels.get("channel") == "email"
    }


async def _subscribe_by_email(service: Notifications) -> None:
    assert (
        await service.client.put("/officers/me", headers=PL, json={"email": "pl@huyendoan.vn"})
    ).status_code == 200
    answer = await service.client.post(
        "/subscriptions", headers=PL, json={"unit_id": "bg-pl", "channels": ["email"]}
    )
    assert answer.status_code == 201, answer.text


async def test_an_email_is_delivered_exactly_once_when_the_smtp_server_comes_back(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    async with start_notifications(
        smtp_port=mailbox.port, retry_max_attempts=100, retry_budget_seconds=120
    ) as service:
        await _subscribe_by_email(service)
        await service.evaluation.emit(compliance_changed(), PATHS["pl-x"])
        failing: list[dict[str, Any]] = []

        async def failed_twice() -> bool:
            nonlocal failing
            failing = await service.deliveries(PL)
            return bool(failing) and failing[0]["attempts"] >= 2

        await wait_until(failed_twice, 20)
        assert failing[0]["status"] == "retrying" and failing[0]["last_error"]
        mailbox.start()
        [delivery] = await service.settled(PL, 1)
        await service.dispatcher.run_once()
        assert delivery["status"] == "delivered" and delivery["last_error"] is None
        assert len(mailbox.messages) == 1
        counted = await _counted(service)
        assert counted["chudong_alerts_delivered_total"] == 1
        assert counted["chudong_alert_attempts_failed_total"] == delivery["attempts"] - 1 >= 2
        assert "chudong_alerts_undelivered_total" not in counted


async def test_an_email_the_smtp_server_never_takes_is_undelivered_with_the_last_error(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    async with start_notifications(smtp_port=mailbox.port, retry_max_attempts=3) as service:
        await _subscribe_by_email(service)
        await service.evaluation.emit(compliance_changed(), PATHS["pl-x"])
        [delivery] = await service.settled(PL, 1)
        assert delivery["status"] == "undelivered" and delivery["attempts"] == 3
        assert "SMTPConnect" in delivery["last_error"] or "refused" in delivery["last_error"].lower()
        alert = (await service.client.get(f"/alerts/{delivery['alert_id']}", headers=PL)).json()
        assert alert["deliveries"][0]["status"] == "undelivered"
        undelivered = await service.deliveries(officer("admin", "vn", "operator"), status="undelivered")
        assert [d["delivery_id"] for d in undelivered] == [delivery["delivery_id"]]
        assert mailbox.messages == []
        assert await _counted(service) == {
            "chudong_alert_attempts_failed_total": 3,
            "chudong_alerts_undelivered_total": 1,
        }


async def test_a_kept_smtp_connection_the_server_dropped_is_replaced_without_a_failed_try(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    mailbox.start()
    async with start_notifications(smtp_port=mailbox.port, retry_max_attempts=1) as service:
        await _subscribe_by_email(service)
        await service.evaluation.emit(compliance_changed("pl-x"), PATHS["pl-x"])
        await service.settled(PL, 1)
        mailbox.stop()  # the server restarts: the connection kept open is gone
        mailbox.start()
        await service.evaluation.emit(compliance_changed("pl-z"), PATHS["pl-z"])
        deliveries = await service.settled(PL, 2)
        assert {(d["status"], d["attempts"]) for d in deliveries} == {("delivered", 1)}
        assert len(mailbox.messages) == 2
