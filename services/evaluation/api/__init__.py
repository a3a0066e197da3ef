"""Evaluation's HTTP API: compliance with its evidence, its history, and the recognition workflow."""

from fastapi import APIRouter

from services.evaluation.api import compliance, history, recognition

router = APIRouter()
for part in (compliance, recognition, history):
    router.include_router(part.router)

__all__ = ["router"]
