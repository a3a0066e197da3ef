"""Sign-in sessions of the dashboard (phiên đăng nhập): the cookie names a row here, never a token.

The cookie holds a random value; the table keeps its hash, the officer's current access token, the
refresh token identity gave (none for a development token), the form token that guards every form
(CSRF), and when the session was last used. Signing out deletes the row.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, MetaData, Row, String, Table, Text, delete, insert, select, update

from shared.store import Database
from shared.store.columns import instant

metadata = MetaData()

dashboard_sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("cookie_hash", String(64), primary_key=True),
    Column("subject", String(200), nullable=False, index=True),
    Column("access_token", Text, nullable=False),
    Column("refresh_token", String(200), nullable=True),
    Column("csrf", String(64), nullable=False),
    instant("access_expires_at"),
    instant("created_at"),
    instant("last_seen_at"),
)


def digest(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Session:
    cookie_hash: str
    subject: str
    access_token: str
    refresh_token: str | None
    csrf: str
    access_expires_at: datetime
    created_at: datetime
    last_seen_at: datetime


class SessionStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(
        self,
        subject: str,
        access_token: str,
        refresh_token: str | None,
        access_expires_at: datetime,
        now: datetime,
    ) -> str:
        """A new session; returns the cookie's value (only its hash is kept)."""
        cookie = secrets.token_urlsafe(32)
        async with self.db.transaction() as conn:
            await conn.execute(
                insert(dashboard_sessions).values(
                    cookie_hash=digest(cookie),
                    subject=subject,
                    access_token=access_token,
                    refresh_token=refresh_token,
                    csrf=secrets.token_urlsafe(24),
                    access_expires_at=access_expires_at,
                    created_at=now,
                    last_seen_at=now,
                )
            )
        return cookie

    async def get(self, cookie: str) -> Session | None:
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(dashboard_sessions).where(dashboard_sessions.c.cookie_hash == digest(cookie))
                )
            ).first()
        return _session(row) if row is not None else None

    async def touch(
        self,
        session: Session,
        now: datetime,
        *,
        access_token: str | None = None,
        refresh_token: str | None = None,
        access_expires_at: datetime | None = None,
    ) -> None:
        values: dict[str, object] = {"last_seen_at": now}
        if access_token is not None:
            values.update(
                access_token=access_token, refresh_token=refresh_token, access_expires_at=access_expires_at
            )
        async with self.db.transaction() as conn:
            await conn.execute(
                update(dashboard_sessions)
                .where(dashboard_sessions.c.cookie_hash == session.cookie_hash)
                .values(**values)
            )

    async def close(self, cookie_hash: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                delete(dashboard_sessions).where(dashboard_sessions.c.cookie_hash == cookie_hash)
            )

    async def close_all(self, subject: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(delete(dashboard_sessions).where(dashboard_sessions.c.subject == subject))

    async def get_all(self) -> list[Session]:
        """Every open session (for operators and tests)."""
        async with self.db.read() as conn:
            rows = (
                await conn.execute(select(dashboard_sessions).order_by(dashboard_sessions.c.created_at))
            ).all()
        return [_session(row) for row in rows]


def _session(row: Row[Any]) -> Session:
    return Session(
        row.cookie_hash,
        row.subject,
        row.access_token,
        row.refresh_token,
        row.csrf,
        _aware(row.access_expires_at),
        _aware(row.created_at),
        _aware(row.last_seen_at),
    )
