"""Evaluation's own settings, read from ``EVALUATION_*`` variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EvaluationSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EVALUATION_", extra="ignore")

    rules_dir: Path | None = Field(
        default=None, description="province rules files (*.yaml) besides the default"
    )
    tick_seconds: float = Field(
        default=60.0, gt=0, description="how often the clock-driven re-evaluation looks"
    )
    # Small: the facts projection waits for the evaluator's transaction, so a batch is the longest an
    # event can wait to be applied (python -m bench.scale measures the lag it gives).
    evaluate_batch: int = Field(default=10, ge=1, description="unions evaluated per transaction")
