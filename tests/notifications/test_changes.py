"""One alert per union per change: what one evaluation of a union says (its overall status, a criterion,
an indicator at risk) is one alert and one e-mail per subscriber, linked to the dashboard's page."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import update

from services.notifications.adapters.tables import deliveries
from services.notifications.app.projection import AlertProjection
from shared.contracts.evaluation import SelfAssessmentSubmitted, Status
from shared.events import Envelope, Event
from tests.notifications.conftest import Notifications, Start
from tests.notifications.servers import Mailbox
from tests.notifications.world import PATHS, compliance_changed, indicator_at_risk, officer

PL = officer("district_officer", "bg-pl", "officer-pl")
RISKS_ONLY = officer("district_officer", "bg-pl", "officer-risks")
STREAM = "compliance-pl-x-2026"


def one_evaluation() -> list[Event]:
    """A recorded meeting that did not come moves pl-x: overall, criterion 2, and C2.2 at risk."""
    return [
        compliance_changed("pl-x", Status.AT_RISK, criterion=0),
        compliance_changed("pl-x", Status.AT_RISK, criterion=2),
        indicator_at_risk("pl-x", closes_on=date(2026, 12, 31)),
    ]


async def subscribe(service: Notifications, headers: dict[str, str], email: str, **body: object) -> None:
    assert (
        await service.client.put("/officers/me", headers=headers, json={"email": email})
    ).status_code == 200
    answer = await service.client.post(
        "/subscriptions", headers=headers, json={"unit_id": "bg-pl", "channels": ["email", "inbox"], **body}
    )
    assert answer.status_code == 201, answer.text


async def test_one_evaluation_of_a_union_is_one_alert_and_one_email_per_subscriber(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    mailbox.start()
    async with start_notifications(smtp_port=mailbox.port) as service:
        await subscribe(service, PL, "pl@huyendoan.vn")
        # An officer who follows only indicators at risk receives the change too: it holds one.
        await subscribe(service, RISKS_ONLY, "risks@huyendoan.vn", kinds=["indicator_at_risk"])

        await service.evaluation.emit_together(one_evaluation(), PATHS["pl-x"], STREAM)
        await service.caught_up()
        await service.settled(PL, 2)
        await service.settled(RISKS_ONLY, 2)
        await service.dispatcher.run_once()

        assert sorted(str(m["To"]) for m in mailbox.messages) == ["pl@huyendoan.vn", "risks@huyendoan.vn"]
        inbox = (await service.client.get("/inbox", headers=PL)).json()
        assert inbox["total"] == 1
        [item] = inbox["items"]
        mail = next(m for m in mailbox.messages if m["To"] == "pl@huyendoan.vn")
        assert mail["Subject"] == item["subject"]
        assert (
            mail["Subject"]
            == "[3 chủ động] Đơn vị pl-x: “3 chủ động” Có nguy cơ không đạt (và 2 thay đổi khác)"
        )
        text = mail.get_content()
        lines = [
            "“Đoàn cơ sở 3 chủ động” (cả ba tiêu chí) năm 2026 chuyển từ «Đạt» sang «Có nguy cơ không đạt».",
            "Tiêu chí 2 – Chủ động xây dựng và thực hiện kế hoạch công tác năm 2026 chuyển từ «Đạt» sang "
            "«Có nguy cơ không đạt».",
            "Chỉ tiêu C2.2 (Tiêu chí 2 – Chủ động xây dựng và thực hiện kế hoạch công tác) kỳ 2026-10 có nguy cơ "
            "không đạt nếu đến hết ngày 31/12/2026 chưa ghi nhận.",
        ]
        assert [text.index(line) for line in lines] == sorted(text.index(line) for line in lines)
        # What is missing is said once, however many parts of the change name it.
        assert text.count("Chi đoàn thôn Phước Lộc chưa sinh hoạt định kỳ tháng 10/2026") == 1
        assert text.endswith("Xem giải thích và minh chứng: https://chudong.example.vn/units/pl-x\n")

        alert = (await service.client.get(f"/alerts/{item['alert_id']}", headers=PL)).json()
        assert alert["kinds"] == ["compliance_changed", "indicator_at_risk"] and len(alert["event_ids"]) == 3
        assert item["unit_name"] == "Đơn vị pl-x"  # the dashboard names the union; the id stays in links
        assert all(d["attempts"] == 1 for d in await service.deliveries(PL))


def envelope_of(payload: Event, position: int, recorded_at: datetime) -> Envelope:
    """An event of evaluation's compliance stream, as its consumer decodes it."""
    return Envelope(
        event_id=uuid.uuid4(),
        type=payload.event_type,
        schema_version=payload.schema_version,
        service="evaluation",
        stream_id=STREAM,
        stream_version=position,
        position=position,
        unit_path=PATHS["pl-x"],
        occurred_at=recorded_at,
        recorded_at=recorded_at,
        actor="system:evaluation",
        correlation_id="tests",
        payload=payload,
    )


async def test_a_part_of_a_change_in_a_later_batch_joins_its_alert_until_its_email_left(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    """The consumer may take a change's events in two batches: the second joins the alert while its
    e-mail waits, and is an alert of its own once it left; each event applied again changes nothing."""
    mailbox.start()
    async with start_notifications(smtp_port=mailbox.port, coalesce_seconds=3600) as service:
        await subscribe(service, PL, "pl@huyendoan.vn")
        projection: AlertProjection = service.app.state.projection
        db = service.app.state.runtime.db
        at = datetime.now(UTC)
        overall, criterion, risk = (envelope_of(p, n, at) for n, p in enumerate(one_evaluation(), 1))

        for batch in ([overall], [criterion], [overall, criterion]):
            async with db.transaction() as conn:
                for envelope in batch:
                    await projection.apply(conn, envelope)
        inbox = (await service.client.get("/inbox", headers=PL)).json()
        assert inbox["total"] == 1
        assert "(và 1 thay đổi khác)" in inbox["items"][0]["subject"]
        assert "Tiêu chí 2" in inbox["items"][0]["body"]

        async with db.transaction() as conn:  # the wait is over
            await conn.execute(update(deliveries).values(due_at=at))
        await service.settled(PL, 2)
        assert len(mailbox.messages) == 1

        for _ in (1, 2):
            async with db.transaction() as conn:
                await projection.apply(conn, risk)
        subjects = {i["subject"] for i in (await service.client.get("/inbox", headers=PL)).json()["items"]}
        assert subjects == {
            "[3 chủ động] Đơn vị pl-x: “3 chủ động” Có nguy cơ không đạt (và 1 thay đổi khác)",
            "[3 chủ động] Đơn vị pl-x: chỉ tiêu C2.2 có nguy cơ không đạt",
        }


async def test_each_alert_links_to_the_dashboard_page_that_explains_it(start_notifications: Start) -> None:
    async with start_notifications(public_url="https://3cd.tinhdoan.vn/") as service:
        await service.client.put("/officers/me", headers=PL, json={})
        await service.evaluation.emit(indicator_at_risk("pl-x"), PATHS["pl-x"])
        await service.evaluation.emit(compliance_changed("pl-z", Status.FAIL), PATHS["pl-z"])
        submitted = SelfAssessmentSubmitted(unit_id="vy-y", year=2026, submitted_on=date(2026, 12, 1))
        await service.evaluation.emit(submitted, PATHS["vy-y"])
        await service.caught_up()
        links = sorted(i["link"] for i in (await service.client.get("/inbox", headers=PL)).json()["items"])
        assert links == [
            "https://3cd.tinhdoan.vn/units/pl-x/indicators/C2.2",
            "https://3cd.tinhdoan.vn/units/pl-z",
        ]
        vy = officer("district_officer", "bg-vy", "officer-vy")
        await service.client.put("/officers/me", headers=vy, json={})
        await service.client.post("/subscriptions", headers=vy, json={"unit_id": "bg-vy"})
        [awaiting] = (await service.client.get("/inbox", headers=vy)).json()["items"]
        assert awaiting["link"] == "https://3cd.tinhdoan.vn/units/vy-y#recognition"
