"""Planning's own settings, read from ``PLANNING_*`` variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlanningSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLANNING_", extra="ignore")

    evidence_dir: Path | None = Field(
        default=None, description="where evidence files are kept (<data dir>/evidence)"
    )
    evidence_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1, description="the largest evidence file accepted"
    )
