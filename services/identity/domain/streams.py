"""Stream ids of identity's aggregates."""

from __future__ import annotations


def account_stream(account_id: str) -> str:
    return f"account-{account_id}"


def grant_stream(grant_id: str) -> str:
    return f"grant-{grant_id}"
