"""Identity's own settings, read from ``IDENTITY_*`` variables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.identity.domain.policy import Lockout


class IdentitySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore")

    access_token_seconds: int = Field(
        default=300,
        ge=5,
        le=3600,
        description=(
            "the life of an access token: a revoked grant or a signed-out session stops working within it"
        ),
    )
    session_hours: float = Field(
        default=12.0, gt=0, le=24 * 30, description="how long a sign-in lasts before signing in again"
    )
    idle_minutes: float = Field(
        default=60.0, gt=0, description="a session not refreshed for this long ends (idle timeout)"
    )
    lockout_failures: int = Field(default=5, ge=1, description="failed sign-ins in a row that lock a login")
    lockout_minutes: float = Field(default=15.0, gt=0, description="how long a lock lasts")
    password_min_length: int = Field(default=10, ge=8, le=128)
    totp_issuer: str = Field(default="chudong", description="the name authenticator apps show")
    oidc_config: Path | None = Field(
        default=None,
        description="the OpenID providers and how their claims map to grants (YAML; docs/operations.md)",
    )

    def lockout(self) -> Lockout:
        return Lockout(self.lockout_failures, timedelta(minutes=self.lockout_minutes))
