"""One alert per (source event, rule, recipient, channel), in Vietnamese, signed, and only to the right district."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.notifications.adapters.channels import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from shared.bus import headers as h
from shared.bus.subjects import subject_for
from shared.store.schema import events
from tests.notifications.conftest import Start
from tests.notifications.servers import Mailbox, WebhookReceiver
from tests.notifications.world import PATHS, compliance_changed, officer
from tests.support import create_postgres_database, files_holding

PL = officer("district_officer", "bg-pl", "officer-pl")
VY = officer("district_officer", "bg-vy", "officer-vy")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def notifications_database(request: pytest.FixtureRequest) -> AsyncIterator[str | None]:
    """The service's own database: SQLite by default, and PostgreSQL."""
    if request.param == "sqlite":
        yield None
        return
    url, drop = await create_postgres_database()
    yield url
    await drop()


async def test_the_same_compliance_change_delivered_three_times_gives_one_email_one_webhook_call_one_inbox_item(
    start_notifications: Start, mailbox: Mailbox, webhook: WebhookReceiver, notifications_database: str | None
) -> None:
    mailbox.start()
    async with start_notifications(database_url=notifications_database, smtp_port=mailbox.port) as service:
        client = service.client
        contact = await client.put(
            "/officers/me",
            headers=PL,
            json={"name": "Nguyễn Thị Hằng", "email": "hang@huyendoan.vn", "webhook_url": webhook.url},
        )
        assert contact.status_code == 200, contact.text
        secret = contact.json()["webhook_secret"]
        answer = await client.post(
            "/subscriptions", headers=PL, json={"unit_id": "bg-pl", "channels": ["email", "webhook", "inbox"]}
        )
        assert answer.status_code == 201, answer.text
        assert (
            await client.put("/officers/me", headers=VY, json={"email": "vy@huyendoan.vn"})
        ).status_code == 200
        assert (
            await client.post(
                "/subscriptions", headers=VY, json={"unit_id": "bg-vy", "channels": ["email", "inbox"]}
            )
        ).status_code == 201

        envelope = await service.evaluation.emit(compliance_changed(), PATHS["pl-x"])
        # The same event twice more, as a re-publication after the duplicate window would bring it.
        for copy in (1, 2):
            await service.js.publish(
                subject_for(envelope), envelope.body(), headers={h.MSG_ID: f"{envelope.event_id}-copy-{copy}"}
            )
        await service.caught_up()
        await service.settled(PL, 3)
        await service.dispatcher.run_once()  # nothing more is due

        assert len(mailbox.messages) == 1 and len(webhook.calls) == 1
        deliveries = await service.deliveries(PL)
        assert sorted(d["channel"] for d in deliveries) == ["email", "inbox", "webhook"]
        assert all(d["status"] == "delivered" and d["attempts"] == 1 for d in deliveries)
        assert await service.deliveries(VY) == []  # another district's officer hears nothing of it

        mail = mailbox.messages[0]
        assert mail["To"] == "hang@huyendoan.vn"
        assert mail["Subject"] == "[3 chủ động] Đơn vị pl-x: tiêu chí 2 Có nguy cơ không đạt"
        text = mail.get_content()
        assert "Tiêu chí 2 – Chủ động xây dựng và thực hiện kế hoạch công tác năm 2026" in text
        assert "chuyển từ «Đạt» sang «Có nguy cơ không đạt»" in text
        assert "Chi đoàn thôn Phước Lộc chưa sinh hoạt định kỳ tháng 10/2026" in text
        assert "Đơn vị: Đơn vị pl-x – Đơn vị bg-pl – Đơn vị bg" in text
        # The link leads to the dashboard's page of the union, at its public address; the id stays in it.
        assert text.endswith("Xem giải thích và minh chứng: https://chudong.example.vn/units/pl-x\n")

        headers, body = webhook.calls[0]
        assert headers[SIGNATURE_HEADER] == sign(secret, headers[TIMESTAMP_HEADER], body)
        payload = json.loads(body)
        assert payload["delivery_id"] == headers[DELIVERY_HEADER]
        assert payload["subject"] == mail["Subject"]

        inbox = (await client.get("/inbox", headers=PL)).json()
        assert inbox["total"] == 1 and inbox["unread"] == 1
        item = inbox["items"][0]
        assert item["subject"] == mail["Subject"] and "«Đạt»" in item["body"]
        read = await client.post(f"/inbox/{item['delivery_id']}/read", headers=PL)
        assert read.status_code == 200
        assert (await client.get("/inbox/unread-count", headers=PL)).json() == {"unread": 0}

        alert = (await client.get(f"/alerts/{item['alert_id']}", headers=PL)).json()
        assert alert["event_ids"] == [str(envelope.event_id)] and alert["kinds"] == ["compliance_changed"]
        assert {d["channel"]: d["status"] for d in alert["deliveries"]} == {
            "email": "delivered",
            "webhook": "delivered",
            "inbox": "delivered",
        }
        # Each outcome is in notifications' own history.
        runtime = service.app.state.runtime
        async with runtime.db.read() as conn:
            types = [r[0] for r in await conn.execute(events.select().with_only_columns(events.c.type))]
        assert types.count("AlertDelivered") == 2 and types.count("OfficerSubscribed") == 2


async def test_the_officers_of_the_recognising_unit_receive_its_unions_alerts_by_default(
    start_notifications: Start,
) -> None:
    async with start_notifications() as service:
        for headers in (PL, VY):
            assert (await service.client.put("/officers/me", headers=headers, json={})).status_code == 200
        await service.evaluation.emit(compliance_changed("pl-x"), PATHS["pl-x"])
        await service.caught_up()
        assert (await service.client.get("/inbox/unread-count", headers=PL)).json() == {"unread": 1}
        assert (await service.client.get("/inbox/unread-count", headers=VY)).json() == {"unread": 0}


async def test_an_officer_may_not_subscribe_to_another_district(start_notifications: Start) -> None:
    async with start_notifications() as service:
        answer = await service.client.post("/subscriptions", headers=VY, json={"unit_id": "bg-pl"})
        assert answer.status_code == 404 and answer.json()["error"] == "unknown_unit"
        assert answer.json()["detail"][0]["field"] == "unit_id"


async def test_a_subscription_needs_a_way_to_reach_the_officer(start_notifications: Start) -> None:
    async with start_notifications() as service:
        await service.client.put("/officers/me", headers=PL, json={"name": "Hằng"})
        answer = await service.client.post(
            "/subscriptions", headers=PL, json={"unit_id": "bg-pl", "channels": ["email"]}
        )
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["rule"] == "email_address_missing"
        bad = await service.client.put("/officers/me", headers=PL, json={"email": "không phải email"})
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["field"] == "email"


async def test_the_webhook_is_retried_until_the_receiver_accepts_it(
    start_notifications: Start, webhook: WebhookReceiver
) -> None:
    webhook.fail_first = 2
    async with start_notifications() as service:
        await service.client.put("/officers/me", headers=PL, json={"webhook_url": webhook.url})
        await service.client.post(
            "/subscriptions", headers=PL, json={"unit_id": "pl-x", "channels": ["webhook"]}
        )
        await service.evaluation.emit(compliance_changed(), PATHS["pl-x"])
        [delivery] = await service.settled(PL, 1)
        assert delivery["status"] == "delivered" and delivery["attempts"] == 3
        assert len(webhook.calls) == 1


async def test_a_cancelled_subscription_and_erased_contact_details_stop_the_alerts(
    start_notifications: Start, mailbox: Mailbox, tmp_path: Path
) -> None:
    mailbox.start()
    async with start_notifications(smtp_port=mailbox.port) as service:
        client = service.client
        await client.put("/officers/me", headers=PL, json={"email": "hang@huyendoan.vn"})
        created = await client.post(
            "/subscriptions", headers=PL, json={"unit_id": "pl-x", "channels": ["email"]}
        )
        subscription_id = created.json()["subscription_id"]
        assert [s["subscription_id"] for s in (await client.get("/subscriptions", headers=PL)).json()] == [
            subscription_id
        ]
        assert (await client.delete(f"/subscriptions/{subscription_id}", headers=PL)).status_code == 200
        assert (await client.delete(f"/subscriptions/{subscription_id}", headers=PL)).status_code == 404
        assert (await client.delete("/officers/me", headers=PL)).json() == {
            "officer_id": "officer-pl",
            "erased": True,
        }
        assert (await client.get("/officers/me", headers=PL)).status_code == 404
        assert files_holding(tmp_path, b"hang@huyendoan.vn") == [], "a file still holds the erased address"
        await service.evaluation.emit(compliance_changed(), PATHS["pl-x"])
        await service.caught_up()
        await service.dispatcher.run_once()
        assert mailbox.messages == [] and await service.deliveries(PL) == []
