"""The channels alerts leave by: e-mail over SMTP and signed webhooks (the inbox is a table)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

import aiosmtplib
import httpx

from services.notifications.domain.mail import NOT_CONFIGURED, MailServer
from shared.i18n import DEFAULT_LANGUAGE, tr

SIGNATURE_HEADER = "X-Chudong-Signature"
TIMESTAMP_HEADER = "X-Chudong-Timestamp"
DELIVERY_HEADER = "X-Chudong-Delivery"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to one officer: ``delivery_id`` is stable across retries, for receivers to de-duplicate."""

    delivery_id: str
    subject: str
    body: str
    link: str
    address: str
    secret: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class MailNotConfiguredError(RuntimeError):
    """No mail server is set: the e-mail waits (held) rather than failing."""


class Sender(Protocol):
    async def send(self, message: Outgoing) -> None:
        """Deliver or raise with the reason."""


class EmailSender:
    """SMTP (aiosmtplib): plain, STARTTLS or implicit TLS, with optional login.

    Connections are kept open and reused (one per concurrent send), since opening
    one per message costs more than the message. A kept connection the server has
    closed meanwhile is replaced once before the send counts as failed. The mail
    server may change while the service runs (:meth:`use`): the kept connections
    to the old one are closed.
    """

    def __init__(self, server: MailServer, *, timeout: float = 20.0, max_idle: int = 10) -> None:
        self.server = server
        self.timeout = timeout
        self.max_idle = max_idle
        self._idle: list[aiosmtplib.SMTP] = []

    async def use(self, server: MailServer) -> None:
        """Send by ``server`` from now on."""
        if server != self.server:
            self.server = server
            await self.close()

    def compose(self, message: Outgoing) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.server.sender
        email["To"] = message.address
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        # The same Message-ID on every retry: a mail system that got it already drops the copy.
        email["Message-ID"] = f"<{message.delivery_id}@chudong>"
        email.set_content(message.body, charset="utf-8")
        return email

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.server
        if not s.host:
            raise MailNotConfiguredError(tr(DEFAULT_LANGUAGE, NOT_CONFIGURED))
        client = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            username=s.username,
            password=s.password,
            start_tls=s.starttls,
            use_tls=s.tls,
            timeout=self.timeout,
        )
        await client.connect()
        return client

    async def send(self, message: Outgoing) -> None:
        email = self.compose(message)
        while self._idle:
            client = self._idle.pop()
            try:
                await client.send_message(email)
            except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
                client.close()  # closed by the server while idle: try another, then a new one
                continue
            except BaseException:
                client.close()
                raise
            await self._keep(client)
            return
        client = await self._connect()
        try:
            await client.send_message(email)
        except BaseException:
            client.close()
            raise
        await self._keep(client)

    async def _keep(self, client: aiosmtplib.SMTP) -> None:
        if len(self._idle) < self.max_idle and client.is_connected:
            self._idle.append(client)
        else:
            await self._quit(client)

    async def _quit(self, client: aiosmtplib.SMTP) -> None:
        try:
            await client.quit()
        except Exception:
            client.close()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client in idle:
            await self._quit(client)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``timestamp.body``: the receiver recomputes and compares."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


class WebhookSender:
    """POSTs the alert as JSON, signed with the officer's secret; any 2xx answer is a delivery."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.client = httpx.AsyncClient(timeout=timeout)

    async def send(self, message: Outgoing) -> None:
        body = json.dumps(
            {
                "delivery_id": message.delivery_id,
                "subject": message.subject,
                "text": message.body,
                "link": message.link,
                **message.data,
            },
            ensure_ascii=False,
        ).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            DELIVERY_HEADER: message.delivery_id,
            TIMESTAMP_HEADER: timestamp,
        }
        if message.secret:
            headers[SIGNATURE_HEADER] = sign(message.secret, timestamp, body)
        answer = await self.client.post(message.address, content=body, headers=headers)
        if not answer.is_success:
            raise RuntimeError(f"webhook answered {answer.status_code}: {answer.text[:200]}")

    async def close(self) -> None:
        await self.client.aclose()
