"""Identity's tables: logins, sign-in attempts, sessions, and the accounts and grants read models.

Logins map a login name (or an OpenID provider's subject) to an account; they are written with the
account's events and deleted when it is erased. Attempts count failed sign-ins per login name, known
or not, so a lock answers alike for both. Sessions hold the hash of each refresh token, never the
token. The read models (accounts, grants) are kept inline, in the transaction of each append.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts import identity as ev
from shared.events import Envelope
from shared.store.columns import instant, unit_id, unit_path
from shared.store.upsert import upsert

metadata = MetaData()

logins = Table(
    "logins",
    metadata,
    Column("login_key", String(300), primary_key=True),
    Column("account_id", String(100), nullable=False, index=True),
)

sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    Column("login_key", String(300), primary_key=True),
    Column("failures", Integer, nullable=False),
    instant("locked_until", nullable=True),
    Column("last_totp_step", Integer, nullable=True),
    instant("updated_at"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("session_id", String(64), primary_key=True),
    Column("account_id", String(100), nullable=False, index=True),
    Column("grant_id", String(100), nullable=False),
    Column("refresh_hash", String(64), nullable=False, unique=True),
    Column("previous_hash", String(64), nullable=True, index=True),
    Column("method", String(120), nullable=False),
    instant("created_at"),
    instant("expires_at"),
    instant("refreshed_at"),
    instant("revoked_at", nullable=True),
)

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(100), primary_key=True),
    unit_id(index=True),
    unit_path(index=True),
    Column("provider", String(100), nullable=True),
    Column("erased", Boolean, nullable=False, default=False),
    instant("opened_at"),
)

grants = Table(
    "grants",
    metadata,
    Column("grant_id", String(100), primary_key=True),
    Column("account_id", String(100), nullable=False, index=True),
    Column("role", String(40), nullable=False),
    unit_id(index=True),
    unit_path(index=True),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=True),
    Column("source", String(120), nullable=False),
    Column("issued_by", String(200), nullable=False),
    instant("issued_at"),
    instant("revoked_at", nullable=True),
    Column("revoked_by", String(200), nullable=True),
    Column("reason", String(1000), nullable=False, default=""),
)


class IdentityReadModels:
    """Keeps ``accounts`` and ``grants`` in the transaction of each append."""

    async def __call__(self, conn: AsyncConnection, events: Sequence[Envelope]) -> None:
        for event in events:
            payload = event.payload
            if isinstance(payload, ev.AccountOpened):
                await upsert(
                    conn,
                    accounts,
                    {
                        "account_id": payload.account_id,
                        "unit_id": payload.unit_id,
                        "unit_path": event.unit_path,
                        "provider": payload.provider,
                        "erased": False,
                        "opened_at": event.occurred_at,
                    },
                    keys=["account_id"],
                )
            elif isinstance(payload, ev.AccountErased):
                await conn.execute(
                    update(accounts).where(accounts.c.account_id == payload.account_id).values(erased=True)
                )
            elif isinstance(payload, ev.GrantIssued):
                await upsert(
                    conn,
                    grants,
                    {
                        "grant_id": payload.grant_id,
                        "account_id": payload.account_id,
                        "role": payload.role.value,
                        "unit_id": payload.unit_id,
                        "unit_path": event.unit_path,
                        "valid_from": payload.valid_from,
                        "valid_until": payload.valid_until,
                        "source": payload.source,
                        "issued_by": event.actor,
                        "issued_at": event.recorded_at,
                        "revoked_at": None,
                        "revoked_by": None,
                        "reason": "",
                    },
                    keys=["grant_id"],
                )
            elif isinstance(payload, ev.GrantRevoked):
                await conn.execute(
                    update(grants)
                    .where(grants.c.grant_id == payload.grant_id)
                    .values(revoked_at=event.recorded_at, revoked_by=event.actor, reason=payload.reason)
                )
