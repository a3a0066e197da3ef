"""Who receives an alert, on which channel and when (người nhận cảnh báo)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.notifications.domain.alerts import Alert
from services.notifications.domain.commands import SubscribeOfficer
from services.notifications.domain.timing import in_quiet_hours, next_digest_at, quiet_hours_end
from shared.contracts.notifications import AlertKind, Channel, DeliveryMode, OfficerSubscribed, QuietHours
from shared.errors import DomainError, ForbiddenError
from shared.i18n import DEFAULT_LANGUAGE
from shared.ids import path_contains

ALL_KINDS: tuple[AlertKind, ...] = tuple(AlertKind)
DEFAULT_CHANNELS: tuple[Channel, ...] = (Channel.INBOX, Channel.EMAIL)
OFFICERS_KINDS: tuple[AlertKind, ...] = tuple(k for k in AlertKind if k is not AlertKind.DEAD_LETTER)
"""What an officer hears of by default: everything but dead letters (for operators)."""


@dataclass(frozen=True, slots=True)
class Subscription:
    """An officer's standing wish to hear about a unit and the units below it."""

    subscription_id: str
    officer_id: str
    unit_path: str
    kinds: tuple[AlertKind, ...]
    channels: tuple[Channel, ...]
    mode: DeliveryMode = DeliveryMode.IMMEDIATE
    quiet_hours: QuietHours | None = None
    digest_hour: int = 7

    def covers(self, alert: Alert) -> bool:
        return any(k in self.kinds for k in alert.kinds) and path_contains(self.unit_path, alert.unit_path)


@dataclass(frozen=True, slots=True)
class Officer:
    """An officer's contact details (cán bộ), kept beside the history, never in it."""

    officer_id: str
    unit_id: str
    name: str = ""
    email: str | None = None
    webhook_url: str | None = None
    language: str = DEFAULT_LANGUAGE  # the language alerts and e-mails reach them in (vi, en)


@dataclass(frozen=True, slots=True)
class Planned:
    """A delivery to make: ``status`` is pending, deferred (quiet hours) or in_digest, due at ``due_at``."""

    officer_id: str
    channel: Channel
    status: str
    due_at: datetime
    subscription_id: str | None


def plan_deliveries(
    alert: Alert,
    subscriptions: list[Subscription],
    officers: dict[str, Officer],
    default_recipients: list[Officer],
    now: datetime,
) -> list[Planned]:
    """One delivery per (recipient, channel), whatever the number of matching subscriptions.

    Officers of the recognising unit who have no subscription of their own get the
    alerts of the unions they recognise, in their inbox and by e-mail, at once.
    """
    chosen: dict[tuple[str, Channel], Planned] = {}
    for sub in subscriptions:
        if not sub.covers(alert):
            continue
        officer = officers.get(sub.officer_id)
        for channel in sub.channels:
            if (sub.officer_id, channel) in chosen or not _reachable(officer, channel):
                continue
            chosen[(sub.officer_id, channel)] = _timed(sub, channel, alert, now)
    subscribed = {s.officer_id for s in subscriptions}
    for officer in default_recipients:
        if officer.officer_id in subscribed:
            continue
        for channel in DEFAULT_CHANNELS:
            if _reachable(officer, channel):
                chosen.setdefault(
                    (officer.officer_id, channel), Planned(officer.officer_id, channel, "pending", now, None)
                )
    return list(chosen.values())


def _reachable(officer: Officer | None, channel: Channel) -> bool:
    if channel is Channel.INBOX:
        return True
    if officer is None:
        return False
    return bool(officer.email) if channel is Channel.EMAIL else bool(officer.webhook_url)


def _timed(sub: Subscription, channel: Channel, alert: Alert, now: datetime) -> Planned:
    if channel is Channel.INBOX:  # the inbox makes no noise: it never waits
        return Planned(sub.officer_id, channel, "pending", now, sub.subscription_id)
    if sub.mode is DeliveryMode.DIGEST and not alert.critical:
        return Planned(
            sub.officer_id, channel, "in_digest", next_digest_at(now, sub.digest_hour), sub.subscription_id
        )
    if sub.quiet_hours is not None and not alert.critical and in_quiet_hours(now, sub.quiet_hours):
        return Planned(
            sub.officer_id, channel, "deferred", quiet_hours_end(now, sub.quiet_hours), sub.subscription_id
        )
    return Planned(sub.officer_id, channel, "pending", now, sub.subscription_id)


def check_channels(channels: tuple[Channel, ...], officer: Officer | None) -> None:
    """A subscription may only name channels that can reach the officer."""
    if Channel.EMAIL in channels and (officer is None or not officer.email):
        raise DomainError(
            "the e-mail channel needs your e-mail address: set it with PUT /officers/me first",
            rule="email_address_missing",
            field="channels",
            value=[c.value for c in channels],
            accepted="'inbox' or 'webhook', or 'email' once your profile has an e-mail address",
        )
    if Channel.WEBHOOK in channels and (officer is None or not officer.webhook_url):
        raise DomainError(
            "the webhook channel needs your webhook URL: set it with PUT /officers/me first",
            rule="webhook_url_missing",
            field="channels",
            value=[c.value for c in channels],
            accepted="'inbox' or 'email', or 'webhook' once your profile has a webhook_url",
        )


def subscribed(
    cmd: SubscribeOfficer, *, subscription_id: str, officer_id: str, officer: Officer | None, operator: bool
) -> OfficerSubscribed:
    """The subscription ``cmd`` asks for, each kind and channel once: dead letters only for an
    operator, and only channels that can reach the officer."""
    if AlertKind.DEAD_LETTER in cmd.kinds and not operator:
        raise ForbiddenError(
            "dead letters are for operators",
            rule="forbidden_role",
            field="kinds",
            value=[k.value for k in cmd.kinds],
            accepted="kinds without 'dead_letter', or an operator's token",
        )
    event = OfficerSubscribed(
        subscription_id=subscription_id,
        officer_id=officer_id,
        unit_id=cmd.unit_id,
        kinds=tuple(dict.fromkeys(cmd.kinds)),
        channels=tuple(dict.fromkeys(cmd.channels)),
        mode=cmd.mode,
        quiet_hours=cmd.quiet_hours,
        digest_hour=cmd.digest_hour,
    )
    check_channels(event.channels, officer)
    return event
