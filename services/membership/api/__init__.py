"""Membership's HTTP API: thin, maps requests to commands and queries."""

from fastapi import APIRouter

from services.membership.api import (
    care,
    lifecycle,
    members,
    names,
    people,
    records,
    spreadsheets,
    transfers,
    units,
    year_imports,
)

router = APIRouter()
for part in (units, members, names, transfers, lifecycle, records, care, spreadsheets, year_imports, people):
    router.include_router(part.router)

__all__ = ["router"]
