"""Evaluation's HTTP API: compliance with its evidence, lists and roll-ups, its history, and the
recognition workflow."""

from fastapi import APIRouter

from services.evaluation.api import compliance, evidence, history, recognition, rollups

router = APIRouter()
for part in (compliance, rollups, recognition, history, evidence):
    router.include_router(part.router)

__all__ = ["router"]
