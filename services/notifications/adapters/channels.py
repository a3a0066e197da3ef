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

from services.notifications.settings import NotificationSettings

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


class Sender(Protocol):
    async def send(self, message: Outgoing) -> None:
        """Deliver or raise with the reason."""


class EmailSender:
    """SMTP (aiosmtplib): plain, STARTTLS or implicit TLS, with optional login."""

    def __init__(self, settings: NotificationSettings) -> None:
        self.settings = settings

    def compose(self, message: Outgoing) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.settings.sender
        email["To"] = message.address
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        # The same Message-ID on every retry: a mail system that got it already drops the copy.
        email["Message-ID"] = f"<{message.delivery_id}@chudong>"
        email.set_content(message.body, charset="utf-8")
        return email

    async def send(self, message: Outgoing) -> None:
        s = self.settings
        await aiosmtplib.send(
            self.compose(message),
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            start_tls=s.smtp_starttls,
            use_tls=s.smtp_tls,
            timeout=s.smtp_timeout_seconds,
        )


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``timestamp.body``: the receiver recomputes and compares."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


class WebhookSender:
    """POSTs the alert as JSON, signed with the officer's secret; any 2xx answer is a delivery."""

    def __init__(self, settings: NotificationSettings) -> None:
        self.client = httpx.AsyncClient(timeout=settings.webhook_timeout_seconds)

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
