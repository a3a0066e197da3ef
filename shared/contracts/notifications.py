"""Events owned by the notifications service: officers' subscriptions and the outcome of each delivery.

Contact details (e-mail addresses, webhook secrets) are personal or secret: they
are kept beside the events in the service's tables, never in them.
"""

from __future__ import annotations

from datetime import time
from enum import StrEnum
from functools import partial

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.events import Event, event_type
from shared.ids import UnitId

notifications_event = partial(event_type, service="notifications")


class AlertKind(StrEnum):
    """What an alert is about (loại cảnh báo)."""

    COMPLIANCE_CHANGED = "compliance_changed"  # thay đổi kết quả đánh giá
    INDICATOR_AT_RISK = "indicator_at_risk"  # chỉ tiêu có nguy cơ không đạt
    DEADLINE_APPROACHING = "deadline_approaching"  # sắp đến hạn
    DEADLINE_PASSED = "deadline_passed"  # quá hạn
    RECOGNITION_AWAITING_DECISION = "recognition_awaiting_decision"  # chờ thẩm định, công nhận
    DEAD_LETTER = "dead_letter"  # sự kiện không xử lý được (cho người vận hành)


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    INBOX = "inbox"  # hộp thư trong ứng dụng


class DeliveryMode(StrEnum):
    IMMEDIATE = "immediate"  # gửi ngay
    DIGEST = "digest"  # tổng hợp hằng ngày


class QuietHours(BaseModel):
    """Local (Vietnam) hours in which non-critical alerts wait; ``start`` > ``end`` spans midnight."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: time
    end: time


@notifications_event("OfficerSubscribed")
class OfficerSubscribed(Event):
    """An officer subscribes to alerts about a unit and the units below it (đăng ký nhận cảnh báo)."""

    subscription_id: str
    officer_id: str
    unit_id: UnitId
    kinds: tuple[AlertKind, ...] = Field(min_length=1)
    channels: tuple[Channel, ...] = Field(min_length=1)
    mode: DeliveryMode = DeliveryMode.IMMEDIATE
    quiet_hours: QuietHours | None = None
    digest_hour: int = Field(default=7, ge=0, le=23)


@notifications_event("SubscriptionCancelled")
class SubscriptionCancelled(Event):
    """An officer stops a subscription (hủy đăng ký)."""

    subscription_id: str
    officer_id: str


@notifications_event("AlertDelivered")
class AlertDelivered(Event):
    """An alert (or a digest of alerts) reached its recipient on one channel."""

    delivery_id: str
    alert_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    kind: AlertKind | None = Field(description="None for a digest, which gathers several kinds")
    officer_id: str
    channel: Channel
    attempts: int = Field(ge=1)
    delivered_at: AwareDatetime


@notifications_event("AlertUndelivered")
class AlertUndelivered(Event):
    """An alert could not be delivered within its retry budget; the last error is kept."""

    delivery_id: str
    alert_ids: tuple[str, ...]
    source_ids: tuple[str, ...]
    kind: AlertKind | None
    officer_id: str
    channel: Channel
    attempts: int = Field(ge=1)
    last_error: str
    given_up_at: AwareDatetime


@notifications_event("MailSettingsChanged")
class MailSettingsChanged(Event):
    """An operator sets the mail server alerts leave by (máy chủ thư điện tử); never its password."""

    host: str | None = Field(description="None: no mail server, e-mails are held until one is set")
    port: int = Field(ge=1, le=65535)
    username: str | None = None
    starttls: bool = False
    tls: bool = False
    sender: str
    password_changed: bool = Field(description="whether the password was set or cleared by this change")
