"""Fixtures of the tests against a real JetStream server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from nats.js import JetStreamContext

from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.store import EventStore
from tests.support import running


@pytest.fixture
async def relay(store: EventStore, js: JetStreamContext) -> AsyncIterator[Relay]:
    """Membership's relay, publishing the test store's appends as they are made."""
    relay = Relay(
        store.db, js, "membership", keys=fixed_keys("membership"), wake=store.appended, idle_wait=0.02
    )
    async with running(relay.run()):
        yield relay
