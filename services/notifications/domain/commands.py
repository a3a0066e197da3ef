"""Notifications' commands (lệnh): an officer's subscriptions to the alerts about a unit.

Each is handled by the one row of :func:`services.notifications.app.commands.command_table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.commands import Command
from shared.contracts.notifications import AlertKind, Channel, DeliveryMode, QuietHours


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscribeOfficer(Command):
    """Subscribe the caller to the alerts about a unit and every unit below it (đăng ký nhận cảnh báo):
    which kinds, by which channels, at once or in a daily digest, and the hours they wait."""

    unit_id: str
    kinds: tuple[AlertKind, ...]
    channels: tuple[Channel, ...]
    mode: DeliveryMode = DeliveryMode.IMMEDIATE
    quiet_hours: QuietHours | None = None
    digest_hour: int = 7


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelSubscription(Command):
    """Stop one of the caller's subscriptions (hủy đăng ký)."""

    subscription_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeMailSettings(Command):
    """Set the mail server alerts leave by (máy chủ thư điện tử), for the whole service, at once: no
    restart. ``host`` None: no mail server (e-mails are held). ``keep_password``: the stored one stays."""

    host: str | None
    port: int
    username: str | None
    password: str | None = field(default=None, repr=False)
    keep_password: bool = True
    starttls: bool = False
    tls: bool = False
    sender: str
