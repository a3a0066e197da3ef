"""Notifications' own settings, from ``NOTIFICATIONS_*`` variables."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.notifications.domain.deadlines import DEFAULT_DEADLINES, DeadlineRule, load_deadlines
from services.notifications.domain.timing import RetryPolicy
from shared.settings import DEFAULT_PORTS


class NotificationSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", populate_by_name=True)

    smtp_host: str | None = Field(
        default=None,
        description="the mail server; none: e-mails are held, visibly, until one is set (PUT /mail-settings)",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_timeout_seconds: float = Field(default=20.0, gt=0)
    sender: str = "Đoàn TNCS Hồ Chí Minh – chudong <no-reply@chudong.local>"
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)

    retry_max_attempts: int = Field(default=8, ge=1)
    retry_budget_seconds: float = Field(default=1800.0, gt=0)
    retry_base_seconds: float = Field(default=30.0, gt=0)
    retry_cap_seconds: float = Field(default=600.0, gt=0)

    dispatch_interval_seconds: float = Field(default=1.0, gt=0)
    dispatch_batch_size: int = Field(default=100, ge=1)
    dispatch_concurrency: int = Field(default=10, ge=1)
    schedule_interval_seconds: float = Field(default=60.0, gt=0)

    coalesce_seconds: float = Field(
        default=5.0,
        ge=0,
        description="how long the e-mails and webhooks of a union's change wait for the rest of the change",
    )

    deadlines_file: Path | None = None
    public_url: str = Field(
        default=f"http://127.0.0.1:{DEFAULT_PORTS['dashboard']}",
        validation_alias=AliasChoices(
            "NOTIFICATIONS_PUBLIC_URL", "CHUDONG_PUBLIC_URL", "CHUDONG_DASHBOARD_URL"
        ),
        description="the dashboard as officers reach it: alerts link to its pages (`chudong run` sets it)",
    )

    def service_url(self, name: str) -> str:
        """Where service ``name`` answers (`chudong run` says where it started it)."""
        return (
            os.environ.get(f"CHUDONG_{name.upper()}_URL")
            or f"http://127.0.0.1:{DEFAULT_PORTS.get(name, 8100)}"
        )

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.retry_max_attempts,
            budget=timedelta(seconds=self.retry_budget_seconds),
            base=timedelta(seconds=self.retry_base_seconds),
            cap=timedelta(seconds=self.retry_cap_seconds),
        )

    def deadlines(self) -> tuple[DeadlineRule, ...]:
        if self.deadlines_file is None:
            return DEFAULT_DEADLINES
        return load_deadlines(self.deadlines_file.read_text(encoding="utf-8"))
