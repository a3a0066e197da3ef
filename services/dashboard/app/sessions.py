"""The dashboard's side of signing in: a session per browser over identity's tokens.

A session keeps the officer's access token and refreshes it (with identity's refresh token) shortly
before it expires, so a revoked grant or a sign-out elsewhere ends it within one access token's life.
A session unused for ``session_idle_minutes`` or older than ``session_hours`` ends.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from services.dashboard.adapters.identity import IdentityClient, IdentityRefusalError
from services.dashboard.adapters.sessions import Session, SessionStore, digest
from services.dashboard.settings import DashboardSettings
from shared.clock import utcnow

REFRESH_AHEAD = timedelta(seconds=20)


class SessionEndedError(Exception):
    """The session is gone, expired, or identity refused to refresh it."""


def expiry_of(token: str) -> datetime:
    """When an access token expires (its signature is checked where it is used)."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return datetime.fromtimestamp(int(claims.get("exp", 0)), UTC)


class SignIn:
    def __init__(self, store: SessionStore, identity: IdentityClient, settings: DashboardSettings) -> None:
        self.store = store
        self.identity = identity
        self.settings = settings
        # A page and its images and live feed arrive together: one of them refreshes, the others take its
        # tokens (identity ends a session whose refresh token is used twice).
        self._refreshing: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def open(self, answer: dict[str, Any]) -> str:
        """A session for identity's answer to a sign-in; returns the cookie's value."""
        token = str(answer["access_token"])
        return await self.store.open(
            str(answer["account_id"]), token, answer.get("refresh_token"), expiry_of(token), utcnow()
        )

    async def open_with_token(self, subject: str, token: str) -> str:
        """A development session: the token as given, no refresh (it ends when the token does)."""
        return await self.store.open(subject, token, None, expiry_of(token), utcnow())

    async def resume(self, cookie: str) -> Session:
        """The session with a token valid for a while yet; :class:`SessionEndedError` otherwise."""
        session = await self.store.get(cookie)
        now = utcnow()
        if session is None:
            raise SessionEndedError()
        idle = timedelta(minutes=self.settings.session_idle_minutes)
        if (
            now > session.created_at + timedelta(hours=self.settings.session_hours)
            or now > session.last_seen_at + idle
        ):
            await self.store.close(session.cookie_hash)
            raise SessionEndedError()
        if now + REFRESH_AHEAD < session.access_expires_at:
            await self.store.touch(session, now)
            return session
        async with self._refreshing[session.cookie_hash]:
            current = await self.store.get(cookie)
            if current is None:
                raise SessionEndedError()
            if now + REFRESH_AHEAD < current.access_expires_at:
                return current  # refreshed by the request that held the lock
            return await self._refresh(current, now)

    async def act_as(self, cookie: str, grant_id: str) -> None:
        """From now on, the session acts under another of the account's grants in force."""
        async with self._refreshing[digest(cookie)]:
            current = await self.store.get(cookie)
            if current is None:
                raise SessionEndedError()
            await self._refresh(current, utcnow(), grant_id)

    async def _refresh(self, session: Session, now: datetime, grant_id: str | None = None) -> Session:
        if session.refresh_token is None:
            await self.store.close(session.cookie_hash)
            raise SessionEndedError()
        try:
            answer = await self.identity.refresh(session.refresh_token, grant_id)
        except IdentityRefusalError as exc:
            if exc.rule == "unknown_grant":
                raise  # not a grant of this account in force: the session stays as it was
            if exc.rule != "unavailable":
                await self.store.close(session.cookie_hash)
            raise SessionEndedError() from exc
        token = str(answer["access_token"])
        expires = expiry_of(token)
        await self.store.touch(
            session,
            now,
            access_token=token,
            refresh_token=str(answer["refresh_token"]),
            access_expires_at=expires,
        )
        return Session(
            session.cookie_hash,
            session.subject,
            token,
            str(answer["refresh_token"]),
            session.csrf,
            expires,
            session.created_at,
            now,
        )

    async def close(self, session: Session, *, everywhere: bool = False) -> None:
        """Sign out: identity ends the session (or every session of the account), and the row goes."""
        if session.refresh_token is not None:
            with contextlib.suppress(IdentityRefusalError):  # an expired token: it ends here all the same
                await self.identity.sign_out(session.access_token, everywhere=everywhere)
        if everywhere:
            await self.store.close_all(session.subject)
        else:
            await self.store.close(session.cookie_hash)
