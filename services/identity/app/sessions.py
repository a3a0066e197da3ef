"""Sign-in sessions (phiên đăng nhập) and the tokens minted from a live grant.

A sign-in checks the password (and the second factor when it is on), then opens a session on one of
the account's live grants. The session gives a short-lived access token (a JWT every service checks by
itself, ``IDENTITY_ACCESS_TOKEN_SECONDS``) and a refresh token (opaque; only its hash is kept) that is
exchanged for the next pair. Each refresh checks again that the session is open and the grant in force,
so signing out, revoking the grant or erasing the account stops access within one access token's life.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row, insert, select, update

from services.identity.adapters.passwords import hash_password, verify_password
from services.identity.adapters.tables import sessions, sign_in_attempts
from services.identity.adapters.totp import matching_step
from services.identity.app.base import Identity
from services.identity.domain.account import Account
from services.identity.domain.grants import Grant
from services.identity.domain.policy import check_password, login_key
from services.identity.domain.streams import account_stream
from shared.auth import Principal, mint_token
from shared.commands import Context
from shared.contracts import identity as ev
from shared.errors import DomainError, ForbiddenError
from shared.events import NewEvent
from shared.store import Database
from shared.store.upsert import upsert

SYSTEM = "system:identity"


class SignInError(DomainError):
    status_code = 401


class LockedError(DomainError):
    status_code = 423


def invalid_credentials(login_name: str) -> SignInError:
    return SignInError(
        "the login name or the password is wrong",
        rule="invalid_credentials",
        field="password",
        value=login_name,
        accepted="the login name and password of an account",
    )


@dataclass(frozen=True, slots=True)
class Tokens:
    """What a sign-in or a refresh answers."""

    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str
    session_expires_at: datetime
    account_id: str
    name: str
    grant: Grant
    grants: list[Grant] = field(default_factory=list)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(self, identity: Identity, secret: str, issuer: str) -> None:
        self.identity = identity
        self.secret = secret
        self.issuer = issuer

    @property
    def db(self) -> Database:
        return self.identity.store.db

    # Sign-in

    async def sign_in(
        self,
        login_name: str,
        password: str,
        *,
        totp_code: str | None = None,
        new_password: str | None = None,
        grant_id: str | None = None,
    ) -> Tokens:
        key = login_key(login_name)
        now = self.identity.clock.now()
        attempts = await self._attempts(key)
        if attempts is not None and attempts.locked_until is not None and now < _aware(attempts.locked_until):
            raise locked(login_name, attempts.locked_until)
        account_id = await self.identity.account_of_login(key)
        account = await self.identity.account(account_id) if account_id else None
        hashed = None
        if account is not None and not account.erased:
            credential = await self.identity.keys.open(account.password)
            hashed = str(credential["password_hash"]) if credential else None
        if not await verify_password(hashed, password) or account is None:
            await self._failed(key, attempts, account, now)
            raise invalid_credentials(login_name)
        last_step = attempts.last_totp_step if attempts is not None else None
        if account.totp is not None:
            last_step = await self._second_factor(key, account, totp_code, attempts, now)
        if account.must_change_password:
            await self._change_password(account, key, new_password)
        await self._reset_attempts(key, last_step, now)
        return await self.start(account, "password", grant_id)

    async def _second_factor(
        self, key: str, account: Account, code: str | None, attempts: Row[Any] | None, now: datetime
    ) -> int:
        if not code:
            raise SignInError(
                "this account signs in with a one-time code from its authenticator app",
                rule="totp_required",
                field="totp_code",
                value=None,
                accepted="the 6-digit code the app shows now",
            )
        secret = await self.identity.keys.open(account.totp)
        last = attempts.last_totp_step if attempts is not None else None
        step = (
            matching_step(str((secret or {}).get("totp_secret", "")), code, time.time(), last)
            if secret
            else None
        )
        if step is None:
            await self._failed(key, attempts, account, now)
            raise SignInError(
                "the one-time code is wrong, expired or already used",
                rule="totp_invalid",
                field="totp_code",
                value=code[:12],
                accepted="the 6-digit code the app shows now, used once",
            )
        return step

    async def _change_password(self, account: Account, key: str, new_password: str | None) -> None:
        if not new_password:
            raise ForbiddenError(
                "the password was set by an admin: choose a new one to sign in",
                rule="password_change_required",
                field="new_password",
                value=None,
                accepted=f"a new password of at least {self.identity.settings.password_min_length} characters",
            )
        check_password(new_password, key, self.identity.settings.password_min_length, "new_password")
        sealer = await self.identity.keys.sealer([account.account_id])
        event = ev.PasswordSet(
            account_id=account.account_id,
            credential=sealer.seal(account.account_id, {"password_hash": await hash_password(new_password)}),
        )
        path = await self.identity.directory.path_of(account.unit_id) or account.unit_id
        await self.identity.append(
            NewEvent(account_stream(account.account_id), event, path, self.identity.clock.now()),
            Context(actor=account.account_id),
            account.version,
        )

    async def _attempts(self, key: str) -> Row[Any] | None:
        async with self.db.read() as conn:
            return (
                await conn.execute(select(sign_in_attempts).where(sign_in_attempts.c.login_key == key))
            ).first()

    async def _reset_attempts(self, key: str, last_step: int | None, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await upsert(
                conn,
                sign_in_attempts,
                {
                    "login_key": key,
                    "failures": 0,
                    "locked_until": None,
                    "last_totp_step": last_step,
                    "updated_at": now,
                },
                keys=["login_key"],
                replace=["failures", "locked_until", "last_totp_step", "updated_at"],
            )

    async def _failed(
        self, key: str, attempts: Row[Any] | None, account: Account | None, now: datetime
    ) -> None:
        """Count a failure against the login name, known or not; lock it after too many in a row."""
        failures, until = self.identity.settings.lockout().after_failure(
            attempts.failures if attempts is not None else 0, now
        )
        async with self.db.transaction() as conn:
            await upsert(
                conn,
                sign_in_attempts,
                {
                    "login_key": key,
                    "failures": failures,
                    "locked_until": until,
                    "last_totp_step": attempts.last_totp_step if attempts is not None else None,
                    "updated_at": now,
                },
                keys=["login_key"],
                replace=["failures", "locked_until", "updated_at"],
            )
        if until is not None and account is not None and not account.erased:
            path = await self.identity.directory.path_of(account.unit_id) or account.unit_id
            event = ev.AccountLocked(
                account_id=account.account_id, until=until, failures=self.identity.settings.lockout_failures
            )
            await self.identity.append(
                NewEvent(account_stream(account.account_id), event, path, now), Context(actor=SYSTEM)
            )

    # Sessions and tokens

    async def start(self, account: Account, method: str, grant_id: str | None = None) -> Tokens:
        """Open a session on ``grant_id`` (else the account's first live grant) and mint its tokens."""
        live = await self.identity.live_grants(account.account_id)
        grant = _choose(live, grant_id)
        now = self.identity.clock.now()
        session_id = secrets.token_urlsafe(18)
        refresh = secrets.token_urlsafe(32)
        expires = now + timedelta(hours=self.identity.settings.session_hours)
        async with self.db.transaction() as conn:
            await conn.execute(
                insert(sessions).values(
                    session_id=session_id,
                    account_id=account.account_id,
                    grant_id=grant.grant_id,
                    refresh_hash=_digest(refresh),
                    previous_hash=None,
                    method=method,
                    created_at=now,
                    expires_at=expires,
                    refreshed_at=now,
                    revoked_at=None,
                )
            )
        return await self._tokens(account, grant, live, session_id, refresh, expires)

    async def refresh(self, refresh_token: str, grant_id: str | None = None) -> Tokens:
        """The next access and refresh tokens, if the session is open and its grant in force; with
        ``grant_id``, for another of the account's grants in force (acting in another role or unit)."""
        digest = _digest(refresh_token)
        now = self.identity.clock.now()
        async with self.db.read() as conn:
            row = (await conn.execute(select(sessions).where(sessions.c.refresh_hash == digest))).first()
            reused = (
                None
                if row is not None
                else (await conn.execute(select(sessions).where(sessions.c.previous_hash == digest))).first()
            )
        if reused is not None:
            # A refresh token used twice: one of the two holders is not its owner. End the session.
            await self.end(reused.session_id)
        if row is None or not self._open(row, now):
            raise session_ended()
        account = await self.identity.account(row.account_id)
        live = await self.identity.live_grants(row.account_id)
        grant = next((g for g in live if g.grant_id == row.grant_id), None)
        if account is None or account.erased or grant is None:
            await self.end(row.session_id)
            raise session_ended()
        if grant_id is not None and grant_id != grant.grant_id:
            grant = _choose(live, grant_id)
        refresh = secrets.token_urlsafe(32)
        async with self.db.transaction() as conn:
            changed = await conn.execute(
                update(sessions)
                .where(sessions.c.session_id == row.session_id, sessions.c.refresh_hash == digest)
                .values(
                    refresh_hash=_digest(refresh),
                    previous_hash=digest,
                    refreshed_at=now,
                    grant_id=grant.grant_id,
                )
            )
        if changed.rowcount != 1:  # a concurrent refresh with the same token won
            raise session_ended()
        return await self._tokens(account, grant, live, row.session_id, refresh, row.expires_at)

    def _open(self, row: Row[Any], now: datetime) -> bool:
        idle = timedelta(minutes=self.identity.settings.idle_minutes)
        return (
            row.revoked_at is None and now < _aware(row.expires_at) and now < _aware(row.refreshed_at) + idle
        )

    async def end(self, session_id: str) -> None:
        """Sign out of one session: its refresh token is refused from now on."""
        async with self.db.transaction() as conn:
            await conn.execute(
                update(sessions)
                .where(sessions.c.session_id == session_id, sessions.c.revoked_at.is_(None))
                .values(revoked_at=self.identity.clock.now())
            )

    async def end_all(self, account_id: str) -> int:
        """Sign out everywhere: every session of the account."""
        async with self.db.transaction() as conn:
            result = await conn.execute(
                update(sessions)
                .where(sessions.c.account_id == account_id, sessions.c.revoked_at.is_(None))
                .values(revoked_at=self.identity.clock.now())
            )
        return int(result.rowcount)

    async def is_live(self, principal: Principal) -> bool:
        """Whether a token minted from a grant still stands: its session open, its grant in force."""
        if not principal.session_id:
            return True  # a token minted with the installation's key (the operator, development)
        async with self.db.read() as conn:
            row = (
                await conn.execute(select(sessions).where(sessions.c.session_id == principal.session_id))
            ).first()
        if row is None or not self._open(row, self.identity.clock.now()):
            return False
        return any(g.grant_id == row.grant_id for g in await self.identity.live_grants(row.account_id))

    async def _tokens(
        self,
        account: Account,
        grant: Grant,
        live: list[Grant],
        session_id: str,
        refresh: str,
        expires: datetime,
    ) -> Tokens:
        fields = await self.identity.keys.open(account.personal) or {}
        name = str(fields.get("full_name", ""))
        lifetime = self.identity.settings.access_token_seconds
        access = mint_token(
            self.secret,
            subject=account.account_id,
            role=grant.role,
            unit_id=grant.unit_id,
            name=name,
            issuer=self.issuer,
            lifetime=timedelta(seconds=lifetime),
            session_id=session_id,
            grant_id=grant.grant_id,
        )
        return Tokens(
            access, refresh, lifetime, session_id, _aware(expires), account.account_id, name, grant, live
        )


def _aware(instant: datetime) -> datetime:
    """SQLite gives instants back without their zone; they were stored in UTC."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def _choose(live: list[Grant], grant_id: str | None) -> Grant:
    if not live:
        raise ForbiddenError(
            "the account holds no role in force today",
            rule="no_live_grant",
            field="grant_id",
            value=grant_id,
            accepted="an account granted a role at a unit by an admin of a unit above, in force today",
        )
    if grant_id is None:
        return live[0]
    for grant in live:
        if grant.grant_id == grant_id:
            return grant
    raise ForbiddenError(
        f"grant {grant_id!r} is not one of the account's grants in force today",
        rule="unknown_grant",
        field="grant_id",
        value=grant_id,
        accepted="one of: " + ", ".join(g.grant_id for g in live),
    )


def locked(login_name: str, until: datetime) -> LockedError:
    return LockedError(
        f"too many failed sign-ins: the account is locked until {_aware(until).isoformat(timespec='seconds')}",
        rule="account_locked",
        field="login_name",
        value=login_name,
        accepted="a sign-in after the lock ends, or a password reset by an admin of a unit above",
    )


def session_ended() -> SignInError:
    return SignInError(
        "the session has ended (signed out, expired, or its role revoked): sign in again",
        rule="session_ended",
        field="refresh_token",
        value="…",
        accepted="the refresh token of an open session",
    )
