"""Each officer reads alerts, e-mails and digests in their own language (Vietnamese unless they chose
English): one change, two officers of the same district, one message each in their language, what is
missing included."""

from __future__ import annotations

from services.notifications.app.scheduler import Scheduler
from shared.clock import FixedClock
from shared.contracts.evaluation import ComplianceChanged, Missing
from shared.i18n import _
from tests.notifications.conftest import Start
from tests.notifications.servers import Mailbox
from tests.notifications.test_first_digest import MORNING, what_happened_before
from tests.notifications.world import PATHS, compliance_changed, officer


def change_with_a_message() -> ComplianceChanged:
    """pl-x's criterion 2 at risk: its missing item a message, as evaluation publishes it."""
    missing = Missing(
        indicator_id="C1.3",
        unit_id="pl-x",
        period="2026-Q1",
        message=_(
            "no {what} recorded for {period}",
            what=_("youth situation report"),
            period=_("quarter {quarter}/{year}", quarter=1, year="2026"),
        ),
    )
    return compliance_changed().model_copy(update={"missing": (missing,)})


HANG = officer("district_officer", "bg-pl", "officer-hang")
MAI = officer("district_officer", "bg-pl", "officer-mai")


async def test_each_officer_reads_the_alert_and_its_e_mail_in_their_language(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    mailbox.start()
    async with start_notifications(smtp_port=mailbox.port) as service:
        client = service.client
        vi = await client.put("/officers/me", headers=HANG, json={"email": "hang@huyendoan.vn"})
        assert vi.status_code == 200 and vi.json()["language"] == "vi"  # Vietnamese unless chosen
        en = await client.put(
            "/officers/me", headers=MAI, json={"email": "mai@huyendoan.vn", "language": "en"}
        )
        assert en.status_code == 200 and en.json()["language"] == "en"
        assert (await client.get("/officers/me", headers=MAI)).json()["language"] == "en"
        for headers in (HANG, MAI):
            answer = await client.post(
                "/subscriptions", headers=headers, json={"unit_id": "bg-pl", "channels": ["email", "inbox"]}
            )
            assert answer.status_code == 201, answer.text

        await service.evaluation.emit(change_with_a_message(), PATHS["pl-x"])
        await service.caught_up()
        await service.settled(HANG, 2)
        await service.settled(MAI, 2)
        await service.dispatcher.run_once()

        mails = {m["To"]: m for m in mailbox.messages}
        assert sorted(mails) == ["hang@huyendoan.vn", "mai@huyendoan.vn"]
        assert (
            mails["hang@huyendoan.vn"]["Subject"]
            == "[3 chủ động] Đơn vị pl-x: tiêu chí 2 Có nguy cơ không đạt"
        )
        english = mails["mai@huyendoan.vn"]
        assert english["Subject"].startswith("[3 chủ động] ") and "criterion 2" in english["Subject"]
        assert "at risk of failing" in english["Subject"]
        text = english.get_content()
        assert text.startswith("Dear comrade,") and "See the explanation and the evidence:" in text
        assert "Tiêu chí" not in text and "Kính gửi" not in text
        assert "no youth situation report recorded for quarter 1/2026" in text  # what is missing, too
        vietnamese = mails["hang@huyendoan.vn"].get_content()
        assert "chưa ghi nhận báo cáo tình hình thanh niên trong quý 1/2026" in vietnamese
        assert "no youth situation report" not in vietnamese
        # The inbox holds each officer's own text; the link is the same page for both.
        (mine,) = (await client.get("/inbox", headers=MAI)).json()["items"]
        (hers,) = (await client.get("/inbox", headers=HANG)).json()["items"]
        assert mine["subject"] == english["Subject"] and hers["subject"] != mine["subject"]
        assert mine["link"] == hers["link"]


async def test_a_first_digest_reaches_an_english_reader_in_english(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    mailbox.start()
    async with start_notifications(FixedClock(MORNING), smtp_port=mailbox.port) as service:
        await what_happened_before(service)
        scheduler: Scheduler = service.app.state.scheduler
        assert scheduler is not None
        contact = {"email": "mai@huyendoan.vn", "language": "en"}
        assert (await service.client.put("/officers/me", headers=MAI, json=contact)).status_code == 200
        answer = await service.client.post(
            "/subscriptions", headers=MAI, json={"unit_id": "bg-pl", "channels": ["email", "inbox"]}
        )
        assert answer.status_code == 201, answer.text
        await service.settled(MAI, 1 + 3 + 3)
        await service.dispatcher.run_once()
        [digest] = mailbox.messages
        assert digest["Subject"].startswith("[3 chủ động] Digest of 3 alerts")
        text = digest.get_content()
        assert "submitted its self-assessment for 2026" in text and "Tổng hợp" not in text


async def test_a_language_other_than_vietnamese_or_english_is_refused_by_name(
    start_notifications: Start,
) -> None:
    async with start_notifications() as service:
        answer = await service.client.put("/officers/me", headers=HANG, json={"language": "fr"})
        assert answer.status_code == 422
        assert "language" in answer.text and "fr" in answer.text


async def test_a_change_in_parts_says_what_is_missing_once_in_the_readers_language(
    start_notifications: Start, mailbox: Mailbox
) -> None:
    mailbox.start()
    async with start_notifications(smtp_port=mailbox.port) as service:
        contact = {"email": "mai@huyendoan.vn", "language": "en"}
        assert (await service.client.put("/officers/me", headers=MAI, json=contact)).status_code == 200
        answer = await service.client.post(
            "/subscriptions", headers=MAI, json={"unit_id": "bg-pl", "channels": ["email", "inbox"]}
        )
        assert answer.status_code == 201, answer.text
        overall = change_with_a_message().model_copy(update={"criterion": 0})
        envelopes = await service.evaluation.emit_together(
            [overall, change_with_a_message()], PATHS["pl-x"], "pl-x-2026"
        )
        assert len(envelopes) == 2
        await service.caught_up()
        await service.settled(MAI, 2)
        await service.dispatcher.run_once()
        [mail] = mailbox.messages
        assert mail.get_content().count("no youth situation report recorded for quarter 1/2026") == 1
        (item,) = (await service.client.get("/inbox", headers=MAI)).json()["items"]
        alert = (await service.client.get(f"/alerts/{item['alert_id']}", headers=MAI)).json()
        assert len(alert["event_ids"]) == 2  # both parts joined the one alert
