"""What identity's routes share: the application's parts, and a grant as an answer shows it."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from services.identity.app.base import Identity
from services.identity.app.holder import Holder
from services.identity.domain.grants import Grant


def identity_of(request: Request) -> Identity:
    found: Identity = request.app.state.identity
    return found


def holder_of(request: Request) -> Holder:
    found: Holder = request.app.state.holder
    return found


def grant_answer(grant: Grant) -> dict[str, Any]:
    return {
        "grant_id": grant.grant_id,
        "account_id": grant.account_id,
        "role": grant.role.value,
        "unit_id": grant.unit_id,
        "valid_from": grant.valid_from.isoformat(),
        "valid_until": grant.valid_until.isoformat() if grant.valid_until else None,
        "revoked": grant.revoked,
        "source": grant.source,
    }
