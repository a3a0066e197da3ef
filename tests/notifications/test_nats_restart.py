"""NATS restarts under the service: what was delivered is not delivered again, what came meanwhile arrives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chudong.nats.server import EmbeddedNats
from shared.events import NewEvent
from shared.store import StreamAppend
from tests.notifications.conftest import Start
from tests.notifications.servers import Mailbox
from tests.notifications.world import PATHS, compliance_changed, officer

PL = officer("district_officer", "bg-pl", "officer-pl")


@pytest.mark.slow
async def test_alerts_are_delivered_once_across_a_restart_of_nats(
    start_notifications: Start, mailbox: Mailbox, nats_server: EmbeddedNats
) -> None:
    mailbox.start()
    async with start_notifications(smtp_port=mailbox.port) as service:
        await service.client.put("/officers/me", headers=PL, json={"email": "pl@huyendoan.vn"})
        await service.client.post(
            "/subscriptions",
            headers=PL,
            json={"unit_id": "bg-pl", "channels": ["email"], "kinds": ["compliance_changed"]},
        )
        await service.evaluation.emit(compliance_changed("pl-x"), PATHS["pl-x"])
        await service.settled(PL, 1)

        nats_server.port = nats_server.client_port or -1
        nats_server.kill()
        # Evaluation records a change while NATS is down; its relay publishes it once NATS is back.
        new = NewEvent("compliance-pl-z", compliance_changed("pl-z"), PATHS["pl-z"], datetime.now(UTC))
        await service.evaluation.store.append(StreamAppend(new.stream_id, [new]), actor="tests")
        nats_server.start()
        while await service.evaluation.relay.publish_pending() == 0:
            pass
        await service.caught_up()
        await service.settled(PL, 2, timeout=60)
        await service.dispatcher.run_once()
        assert len(mailbox.messages) == 2
        assert {"pl-x" in m["Subject"] for m in mailbox.messages} == {True, False}
