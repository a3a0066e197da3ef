"""Membership's HTTP API: thin, maps requests to commands and queries."""

from fastapi import APIRouter

from services.membership.api import care, lifecycle, members, people, spreadsheets, units

router = APIRouter()
for part in (units, members, lifecycle, care, spreadsheets, people):
    router.include_router(part.router)

__all__ = ["router"]
