"""An officer's account (tài khoản cán bộ), as its history tells it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.contracts import identity as ev
from shared.contracts.personal import Sealed
from shared.errors import ConflictError, NotFoundError
from shared.events import Event


@dataclass(slots=True)
class Account:
    account_id: str
    unit_id: str
    personal: Sealed
    provider: str | None = None
    password: Sealed | None = None
    must_change_password: bool = False
    totp: Sealed | None = None
    locked_until: datetime | None = None
    erased: bool = False
    version: int = 0

    @classmethod
    def from_history(cls, events: Iterable[Event]) -> Account | None:
        account: Account | None = None
        for event in events:
            if isinstance(event, ev.AccountOpened):
                account = cls(event.account_id, event.unit_id, event.personal, event.provider)
            elif account is None:
                continue
            elif isinstance(event, ev.PasswordSet):
                account.password = event.credential
                account.must_change_password = event.reset_by_admin
                if event.reset_by_admin:
                    account.locked_until = None
            elif isinstance(event, ev.TotpEnabled):
                account.totp = event.credential
            elif isinstance(event, ev.TotpDisabled):
                account.totp = None
            elif isinstance(event, ev.AccountLocked):
                account.locked_until = event.until
            elif isinstance(event, ev.AccountErased):
                account.erased = True
            account.version += 1
        return account

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def unknown_account(account_id: str) -> NotFoundError:
    """The answer for an account that does not exist, and (over HTTP) for one outside the token's scope."""
    return NotFoundError(
        f"account {account_id!r} is not known within the scope of your token",
        rule="unknown_account",
        field="account_id",
        value=account_id,
        accepted="the id of an account of a unit below yours",
    )


def require_open(account: Account | None, account_id: str) -> Account:
    if account is None:
        raise unknown_account(account_id)
    if account.erased:
        raise ConflictError(
            f"account {account_id!r} is erased",
            rule="account_erased",
            field="account_id",
            value=account_id,
            accepted="an account that is not erased",
        )
    return account
