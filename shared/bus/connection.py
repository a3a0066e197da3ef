"""Connecting to NATS: reconnect for ever, and log what the connection goes through."""

from __future__ import annotations

import asyncio

import structlog
from nats.aio.client import Client

from shared.bus.client import EventClient

log = structlog.get_logger("nats")


async def connect(
    url: str,
    *,
    name: str,
    user: str | None = None,
    password: str | None = None,
    connect_timeout: float = 30.0,
) -> Client:
    """A client that reconnects without end, waiting up to ``connect_timeout`` for the first connection."""

    async def error_cb(exc: Exception) -> None:
        log.warning("nats.error", error=str(exc) or exc.__class__.__name__)

    async def disconnected_cb() -> None:
        log.warning("nats.disconnected")

    async def reconnected_cb() -> None:
        log.info("nats.reconnected")

    deadline = asyncio.get_running_loop().time() + connect_timeout
    while True:
        try:
            client = EventClient()
            await client.connect(
                url,
                name=name,
                user=user,
                password=password,
                max_reconnect_attempts=-1,
                reconnect_time_wait=0.5,  # type: ignore[arg-type]  # seconds; nats-py annotates it int
                allow_reconnect=True,
                error_cb=error_cb,
                disconnected_cb=disconnected_cb,
                reconnected_cb=reconnected_cb,
                pending_size=64 * 1024 * 1024,
            )
            return client
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)
