"""Membership's own settings, read from ``MEMBERSHIP_*`` variables."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MembershipSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEMBERSHIP_", extra="ignore", populate_by_name=True)

    import_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, description="the largest xlsx member list accepted for import"
    )
    import_max_rows: int = Field(
        default=20_000, ge=1, description="the most rows below the header of an imported member list"
    )
    year_import_max_rows: int = Field(
        default=100_000, ge=1, description="the most rows of a year workbook, all its sheets together"
    )
    year_import_wait_seconds: float = Field(
        default=120.0,
        gt=0,
        description="how long a step of a year import waits for planning or evaluation to learn of a new unit",
    )
    self_url: str = Field(
        default="http://127.0.0.1:8101",
        validation_alias=AliasChoices("MEMBERSHIP_SELF_URL", "CHUDONG_MEMBERSHIP_URL"),
        description="membership's own HTTP API, as a year import sends it its steps",
    )
    planning_url: str = Field(
        default="http://127.0.0.1:8102",
        validation_alias=AliasChoices("MEMBERSHIP_PLANNING_URL", "CHUDONG_PLANNING_URL"),
        description="planning's HTTP API, called by a year import with the importer's own token",
    )
    evaluation_url: str = Field(
        default="http://127.0.0.1:8103",
        validation_alias=AliasChoices("MEMBERSHIP_EVALUATION_URL", "CHUDONG_EVALUATION_URL"),
        description="evaluation's HTTP API, called by a year import (self-assessments) with the same token",
    )
