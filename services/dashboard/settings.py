"""The dashboard's own settings, from ``DASHBOARD_*`` variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_FONTS = Path("/usr/share/fonts/truetype/dejavu")


class DashboardSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DASHBOARD_", extra="ignore", populate_by_name=True)

    evaluation_url: str = Field(
        default="http://127.0.0.1:8103",
        validation_alias=AliasChoices("DASHBOARD_EVALUATION_URL", "CHUDONG_EVALUATION_URL"),
        description="evaluation's HTTP API, called with the officer's own token",
    )
    notifications_url: str = Field(
        default="http://127.0.0.1:8104",
        validation_alias=AliasChoices("DASHBOARD_NOTIFICATIONS_URL", "CHUDONG_NOTIFICATIONS_URL"),
    )
    membership_url: str = Field(
        default="http://127.0.0.1:8101",
        validation_alias=AliasChoices("DASHBOARD_MEMBERSHIP_URL", "CHUDONG_MEMBERSHIP_URL"),
        description="membership's HTTP API: how the pages name members (by name, or branch and number)",
    )
    identity_url: str = Field(
        default="http://127.0.0.1:8106",
        validation_alias=AliasChoices("DASHBOARD_IDENTITY_URL", "CHUDONG_IDENTITY_URL"),
        description="identity's HTTP API: sign-in, refresh, sign-out",
    )
    upstream_timeout_seconds: float = Field(default=30.0, gt=0)
    secure_cookies: bool = Field(
        default=False, description="mark the session cookie Secure: set it true behind HTTPS (TLS)"
    )
    public_url: str | None = Field(
        default=None,
        description="the dashboard's address as browsers reach it (the OpenID callback's); default: the request's",
    )
    session_hours: float = Field(default=12.0, gt=0, description="a sign-in lasts at most this long")
    session_idle_minutes: float = Field(default=30.0, gt=0, description="a session unused this long ends")
    pdf_font: Path = Field(default=_FONTS / "DejaVuSans.ttf", description="a Unicode TTF for PDF exports")
    pdf_font_bold: Path = _FONTS / "DejaVuSans-Bold.ttf"
    live_heartbeat_seconds: float = Field(default=15.0, gt=0)
    notice_interval_seconds: float = Field(
        default=30.0, gt=0, description="how often notifications is asked whether it has a mail server"
    )
