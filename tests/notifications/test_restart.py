"""The service process is killed with alerts pending: after a restart each is delivered exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from nats.js import JetStreamContext

from chudong.nats.server import EmbeddedNats
from shared.contracts.evaluation import Status
from tests.notifications.servers import Mailbox, free_port
from tests.notifications.world import PATHS, SECRET, compliance_changed, officer, owning_service, publish_tree
from tests.support import wait_until

ROOT = Path(__file__).resolve().parents[2]
PL = officer("district_officer", "bg-pl", "officer-pl")


class Process:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "services.notifications.main"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=out,
            )

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def process(nats_server: EmbeddedNats, tmp_path: Path, mailbox: Mailbox) -> Iterator[tuple[Process, str]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update(
        NATS_URL=nats_server.url,
        CHUDONG_DATA_DIR=str(tmp_path / "data"),
        CHUDONG_JWT_SECRET=SECRET,
        CHUDONG_LOG_FORMAT="json",
        NOTIFICATIONS_PORT=str(port),
        NOTIFICATIONS_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'notifications.db'}",
        NOTIFICATIONS_SMTP_HOST="127.0.0.1",
        NOTIFICATIONS_SMTP_PORT=str(mailbox.port),
        NOTIFICATIONS_COALESCE_SECONDS="0.2",
        NOTIFICATIONS_RETRY_BASE_SECONDS="0.1",
        NOTIFICATIONS_RETRY_CAP_SECONDS="0.3",
        NOTIFICATIONS_RETRY_MAX_ATTEMPTS="1000",
        NOTIFICATIONS_RETRY_BUDGET_SECONDS="600",
        NOTIFICATIONS_DISPATCH_INTERVAL_SECONDS="0.1",
    )
    proc = Process(env, tmp_path / "notifications.log")
    yield proc, f"http://127.0.0.1:{port}"
    proc.stop()


async def _healthy(client: httpx.AsyncClient) -> bool:
    try:
        return (await client.get("/healthz")).status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.slow
async def test_alerts_pending_when_the_service_is_killed_are_delivered_exactly_once_after_restart(
    process: tuple[Process, str], js: JetStreamContext, tmp_path: Path, mailbox: Mailbox
) -> None:
    proc, url = process
    membership = await owning_service("membership", js, tmp_path)
    evaluation = await owning_service("evaluation", js, tmp_path)
    await publish_tree(membership)
    proc.start()
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        await wait_until(lambda: _healthy(client), 60)

        async def tree_known() -> bool:
            return (
                await client.put("/officers/me", headers=PL, json={"email": "pl@huyendoan.vn"})
            ).status_code == 200

        await wait_until(tree_known, 30)
        answer = await client.post(
            "/subscriptions",
            headers=PL,
            json={"unit_id": "bg-pl", "channels": ["email"], "kinds": ["compliance_changed"]},
        )
        assert answer.status_code == 201, answer.text
        for unit in ("pl-x", "pl-z"):
            await evaluation.emit(compliance_changed(unit), PATHS[unit])
        items: list[dict[str, Any]] = []

        async def all_failing() -> bool:
            nonlocal items
            items = (await client.get("/deliveries", headers=PL)).json()["items"]
            return len(items) == 2 and all(d["attempts"] >= 1 for d in items)

        await wait_until(all_failing, 30)  # the SMTP server is down: both are being retried
        proc.kill()
        await evaluation.emit(compliance_changed("pl-x", Status.FAIL, criterion=0), PATHS["pl-x"])
        mailbox.start()
        proc.start()
        await wait_until(lambda: _healthy(client), 60)

        async def all_delivered() -> bool:
            nonlocal items
            items = (await client.get("/deliveries", headers=PL)).json()["items"]
            return len(items) == 3 and all(d["status"] == "delivered" for d in items)

        await wait_until(all_delivered, 30)
    proc.stop()
    assert len(mailbox.messages) == 3
    assert sorted(mailbox.message_ids()) == sorted(f"<{d['delivery_id']}@chudong>" for d in items)
    await membership.close()
    await evaluation.close()
