"""The first connection to NATS: waited for up to its timeout, then a clear error naming the server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from chudong.nats.server import EmbeddedNats
from chudong.runner import free_port
from shared.bus.connection import connect


async def test_a_first_connection_nobody_answers_gives_up_after_its_timeout_and_names_the_server() -> None:
    port = free_port()
    # A guard against waiting for ever, far above the connection's own timeout; not a measurement.
    async with asyncio.timeout(20):
        with pytest.raises(TimeoutError) as refused:
            await connect(f"nats://someone:secret@127.0.0.1:{port}", name="tests", connect_timeout=1)
    assert f"NATS at nats://127.0.0.1:{port} did not answer within 1 s" in str(refused.value)
    assert "secret" not in str(refused.value)


async def test_a_server_that_comes_up_within_the_timeout_is_connected(tmp_path: Path) -> None:
    port = free_port()
    connecting = asyncio.create_task(connect(f"nats://127.0.0.1:{port}", name="tests", connect_timeout=30))
    server = EmbeddedNats(tmp_path / "nats", port=port)
    await asyncio.to_thread(server.start)
    try:
        client = await connecting
        assert client.is_connected
        await client.close()
    finally:
        server.stop()
