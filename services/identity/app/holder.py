"""What the holder of an account does for themself: turn the second factor on or off, change the password."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from services.identity.adapters.passwords import hash_password, verify_password
from services.identity.adapters.totp import matching_step, new_secret, provisioning_uri, qr_svg
from services.identity.app.base import Identity
from services.identity.domain.account import Account, require_open
from services.identity.domain.policy import check_password
from services.identity.domain.streams import account_stream
from shared.commands import Context
from shared.contracts import identity as ev
from shared.errors import ConflictError, DomainError
from shared.events import Envelope, Event, NewEvent


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """A new secret for the holder's authenticator app: as text, as an ``otpauth://`` address and as a QR code.

    Nothing is stored until the holder confirms with a code the app shows (:meth:`Holder.confirm_totp`)."""

    secret: str
    uri: str
    qr_svg: str


class Holder:
    def __init__(self, identity: Identity) -> None:
        self.identity = identity

    async def _account(self, account_id: str) -> tuple[Account, dict[str, object]]:
        account = require_open(await self.identity.account(account_id), account_id)
        return account, await self.identity.keys.open(account.personal) or {}

    async def begin_totp(self, account_id: str) -> TotpEnrolment:
        _, fields = await self._account(account_id)
        secret = new_secret()
        uri = provisioning_uri(
            secret, str(fields.get("login_name", account_id)), self.identity.settings.totp_issuer
        )
        return TotpEnrolment(secret, uri, qr_svg(uri))

    async def confirm_totp(self, account_id: str, secret: str, code: str) -> Sequence[Envelope]:
        account, _ = await self._account(account_id)
        if account.totp is not None:
            raise ConflictError(
                "the second factor is already on",
                rule="totp_enabled",
                field="secret",
                value=None,
                accepted="turn it off first",
            )
        if matching_step(secret, code, time.time(), None) is None:
            raise DomainError(
                "the code does not match the secret: check the phone's clock and type the code it shows now",
                rule="totp_invalid",
                field="code",
                value=code[:12],
                accepted="the 6-digit code the app shows now for this secret",
            )
        sealer = await self.identity.keys.sealer([account_id])
        event = ev.TotpEnabled(
            account_id=account_id, credential=sealer.seal(account_id, {"totp_secret": secret})
        )
        return await self._record(account, event)

    async def disable_totp(self, account_id: str, password: str) -> Sequence[Envelope]:
        account, _ = await self._account(account_id)
        await self._check_password(account, password)
        if account.totp is None:
            return []
        return await self._record(account, ev.TotpDisabled(account_id=account_id))

    async def change_password(self, account_id: str, password: str, new_password: str) -> Sequence[Envelope]:
        account, fields = await self._account(account_id)
        await self._check_password(account, password)
        check_password(
            new_password,
            str(fields.get("login_name", "")),
            self.identity.settings.password_min_length,
            "new_password",
        )
        sealer = await self.identity.keys.sealer([account_id])
        credential = sealer.seal(account_id, {"password_hash": await hash_password(new_password)})
        return await self._record(account, ev.PasswordSet(account_id=account_id, credential=credential))

    async def _check_password(self, account: Account, password: str) -> None:
        credential = await self.identity.keys.open(account.password)
        hashed = str(credential["password_hash"]) if credential else None
        if not await verify_password(hashed, password):
            raise DomainError(
                "the current password is wrong",
                rule="invalid_credentials",
                field="password",
                value="…",
                accepted="the account's current password",
            )

    async def _record(self, account: Account, event: Event) -> Sequence[Envelope]:
        path = await self.identity.directory.path_of(account.unit_id) or account.unit_id
        new = NewEvent(account_stream(account.account_id), event, path, self.identity.clock.now())
        return await self.identity.append(new, Context(actor=account.account_id), account.version)
