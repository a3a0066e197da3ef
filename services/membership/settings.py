"""Membership's own settings, read from ``MEMBERSHIP_*`` variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MembershipSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEMBERSHIP_", extra="ignore")

    import_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, description="the largest xlsx member list accepted for import"
    )
    import_max_rows: int = Field(
        default=20_000, ge=1, description="the most rows below the header of an imported member list"
    )
