"""Connecting to NATS: reconnect for ever, and log what the connection goes through.

``url`` may list several servers of a cluster, separated by commas
(``nats://n1:4222,nats://n2:4222``); the client also learns the others from
the server it reaches. A refusal by the server's permissions is logged as
``nats.permission_denied``, with the subject, so an operator sees which
service tried to publish or read what it may not.
"""

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
        text = str(exc) or exc.__class__.__name__
        if "permissions violation" in text.lower():
            log.error("nats.permission_denied", client=name, user=user, error=text)
        else:
            log.warning("nats.error", error=text)

    async def disconnected_cb() -> None:
        log.warning("nats.disconnected")

    async def reconnected_cb() -> None:
        log.info("nats.reconnected")

    deadline = asyncio.get_running_loop().time() + connect_timeout
    while True:
        try:
            client = EventClient()
            await client.connect(
                server_list(url),
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


def server_list(url: str) -> list[str]:
    """The servers of ``url``: one, or several separated by commas."""
    return [part.strip() for part in url.split(",") if part.strip()]
