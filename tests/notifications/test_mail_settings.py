"""Without a mail server e-mails are held, visibly (the delivery, /healthz, the dashboard), never tried
against a server that is not there; the central admin sets one at once, without a restart, and what was
held leaves by it. The password is kept, never shown, never in the history."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from services.dashboard.main import create_app as create_dashboard
from services.dashboard.settings import DashboardSettings
from shared.settings import CommonSettings
from shared.store.schema import events
from tests.notifications.conftest import Notifications, Start
from tests.notifications.servers import Mailbox
from tests.notifications.world import PATHS, SECRET, compliance_changed, officer
from tests.support import files_holding, wait_until

PL = officer("district_officer", "bg-pl", "officer-pl")
ADMIN = officer("admin", "vn", "admin")
PROVINCE_ADMIN = officer("admin", "bg", "admin-bg")


async def health(service: Notifications) -> dict[str, object]:
    answer = await service.client.get("/healthz")
    body: dict[str, object] = answer.json()
    return body


async def test_without_a_mail_server_emails_are_held_and_leave_once_the_admin_sets_one(
    start_notifications: Start, mailbox: Mailbox, tmp_path: Path
) -> None:
    mailbox.start()
    async with start_notifications(smtp_host=None) as service:
        assert (await health(service))["mail"] == "not_configured"
        await service.client.put("/officers/me", headers=PL, json={"email": "pl@huyendoan.vn"})
        await service.client.post(
            "/subscriptions", headers=PL, json={"unit_id": "bg-pl", "channels": ["email"]}
        )
        await service.evaluation.emit(compliance_changed(), PATHS["pl-x"])
        await service.caught_up()

        async def held() -> bool:
            return [d["status"] for d in await service.deliveries(PL)] == ["held"]

        await wait_until(held, what="the e-mail held")
        [delivery] = await service.deliveries(PL)
        assert delivery["attempts"] == 0 and "chưa cấu hình máy chủ thư điện tử" in delivery["last_error"]
        assert service.app.state.runtime.counters.total("alert_attempts_failed") == 0
        assert (await service.client.get("/mail-settings", headers=ADMIN)).json()["held"] == 1

        answer = await service.client.put(
            "/mail-settings",
            headers=ADMIN,
            json={"host": "127.0.0.1", "port": mailbox.port, "sender": "Huyện đoàn <no-reply@huyendoan.vn>"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["configured"] and answer.json()["source"] == "operator"
        assert answer.json()["events"][0]["type"] == "MailSettingsChanged"
        [sent] = await service.settled(PL, 1)
        assert sent["status"] == "delivered" and sent["attempts"] == 1
        assert mailbox.messages[0]["From"] == "Huyện đoàn <no-reply@huyendoan.vn>"
        assert (await health(service))["mail"] == "configured"

        # The password is kept, never answered, never in the history.
        secret = "mật-khẩu-bí-mật"
        with_password = {
            "host": "smtp.tinhdoan.vn",
            "port": 587,
            "starttls": True,
            "username": "u",
            "password": secret,
        }
        answer = await service.client.put("/mail-settings", headers=ADMIN, json=with_password)
        assert answer.status_code == 200 and secret not in answer.text and answer.json()["password_set"]
        cleared = await service.client.put(
            "/mail-settings", headers=ADMIN, json={**with_password, "password": None}
        )
        assert cleared.json()["password_set"] is False
        await service.client.put("/mail-settings", headers=ADMIN, json=with_password)
        again = await service.client.put(
            "/mail-settings", headers=ADMIN, json={k: v for k, v in with_password.items() if k != "password"}
        )
        assert again.json()["password_set"], "a password left out stays"
        shown = await service.client.get("/mail-settings", headers=ADMIN)
        assert secret not in shown.text and shown.json()["host"] == "smtp.tinhdoan.vn"
        async with service.app.state.runtime.db.read() as conn:
            recorded = [bytes(r.body) for r in await conn.execute(select(events.c.body))]
        assert recorded and not any(secret.encode() in body for body in recorded)
        assert files_holding(tmp_path / "nats", secret.encode()) == [], "the secret reached the bus"


async def test_only_the_central_admin_sees_and_sets_the_mail_server(start_notifications: Start) -> None:
    async with start_notifications() as service:
        body = {"host": "smtp.tinhdoan.vn", "port": 465}
        for headers in (PL, PROVINCE_ADMIN):
            for answer in (
                await service.client.put("/mail-settings", headers=headers, json=body),
                await service.client.get("/mail-settings", headers=headers),
            ):
                assert answer.status_code == 403, answer.text
        both = await service.client.put(
            "/mail-settings", headers=ADMIN, json={**body, "tls": True, "starttls": True}
        )
        assert both.status_code == 422 and both.json()["detail"][0]["rule"] == "tls_and_starttls"
        no_address = await service.client.put(
            "/mail-settings", headers=ADMIN, json={**body, "sender": "Huyện đoàn"}
        )
        assert no_address.status_code == 422 and no_address.json()["detail"][0]["field"] == "sender"
        bad_host = await service.client.put(
            "/mail-settings", headers=ADMIN, json={**body, "host": "smtp host"}
        )
        assert bad_host.status_code == 422 and bad_host.json()["detail"][0]["field"] == "host"
        # No mail server at all, on purpose: e-mails are held from now on.
        none = await service.client.put("/mail-settings", headers=ADMIN, json={"host": None})
        assert none.status_code == 200 and none.json()["configured"] is False
        assert (await health(service))["mail"] == "not_configured"


async def test_the_dashboard_warns_every_officer_while_there_is_no_mail_server(
    start_notifications: Start, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with start_notifications(smtp_host=None) as service:
        common = CommonSettings(
            data_dir=tmp_path, nats_url=service.app.state.runtime.common.nats_url, jwt_secret=SECRET
        )
        monkeypatch.setenv("DASHBOARD_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'dashboard.db'}")
        dashboard = create_dashboard(
            common,
            settings=DashboardSettings(evaluation_url="http://ev", notifications_url="http://nt"),
            transport=httpx.ASGITransport(app=service.app),
        )
        page = {**PL, "Accept": "text/html"}
        async with (
            dashboard.router.lifespan_context(dashboard),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=dashboard), base_url="http://dash") as client,
        ):
            notice = dashboard.state.mail_notice
            assert await notice.refresh()
            inbox = await client.get("/inbox", headers=page)
            assert inbox.status_code == 200, inbox.text
            assert (
                'id="mail-not-configured"' in inbox.text and "Chưa cấu hình máy chủ thư điện tử" in inbox.text
            )

            await service.client.put("/mail-settings", headers=ADMIN, json={"host": "127.0.0.1"})
            assert not await notice.refresh()
            assert 'id="mail-not-configured"' not in (await client.get("/inbox", headers=page)).text
