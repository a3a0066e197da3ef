"""What officers should know of the system itself: notifications without a mail server, read from its
``/healthz`` (no token needed) every ``interval`` seconds, so that pages warn without asking on each."""

from __future__ import annotations

import asyncio

import httpx


class MailNotice:
    """Whether notifications says it has no mail server (``mail: not_configured``)."""

    def __init__(self, client: httpx.AsyncClient, notifications_url: str, interval: float) -> None:
        self.client = client
        self.url = f"{notifications_url.rstrip('/')}/healthz"
        self.interval = interval
        self.missing = False

    async def refresh(self) -> bool:
        """Ask again; a notifications service that does not answer changes nothing shown."""
        try:
            answer = await self.client.get(self.url)
            self.missing = answer.json().get("mail") == "not_configured"
        except (httpx.HTTPError, ValueError, AttributeError):
            pass
        return self.missing

    async def run(self) -> None:
        while True:
            await self.refresh()
            await asyncio.sleep(self.interval)
