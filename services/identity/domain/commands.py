"""Identity's commands: what an admin above asks of an account or a grant, or a holder of their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.auth import Role
from shared.commands import Command


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenAccount(Command):
    """Open an officer's account at ``unit_id`` (mở tài khoản cán bộ)."""

    unit_id: str
    login_name: str
    password: str
    full_name: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResetAccount(Command):
    """An admin above sets a new password that its holder must change, lifts the lock, and may turn the
    second factor off (a lost phone)."""

    account_id: str
    password: str
    clear_totp: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class EraseAccount(Command):
    """Destroy the account's key: its personal fields and credentials become unreadable everywhere."""

    account_id: str
    request_ref: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueGrant(Command):
    """Grant ``role`` at ``unit_id`` to an account, from a day to a day (phân quyền)."""

    account_id: str
    role: Role
    unit_id: str
    valid_from: date
    valid_until: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RevokeGrant(Command):
    """End a grant now (thu hồi quyền)."""

    grant_id: str
    reason: str = ""
