"""Identity's HTTP API: sign-in sessions, accounts and grants."""

from fastapi import APIRouter

from services.identity.api import accounts, grants, oidc, sessions

router = APIRouter()
for part in (sessions, oidc, accounts, grants):
    router.include_router(part.router)

__all__ = ["router"]
