"""Events owned by the identity service: officers' accounts and the grants of a role at a unit (ADR 0024).

An account's personal fields (login name, full name, phone, e-mail) and its credentials (the argon2
hash of the password, the TOTP secret) travel :class:`~shared.contracts.personal.Sealed` under the
account's own key, held by identity: erasing the account destroys the key. Grants carry no personal
field: who holds which role at which unit, from which day to which, is what auditors read.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from pydantic import AwareDatetime, Field

from shared.auth.roles import Role
from shared.contracts.personal import Sealed
from shared.events import Event, event_type
from shared.ids import UnitId

identity_event = partial(event_type, service="identity")


@identity_event("AccountOpened")
class AccountOpened(Event):
    """An officer's account is opened (mở tài khoản) by an admin of a unit above its unit, or on a first
    sign-in through a province's identity provider (``provider``)."""

    account_id: str = Field(max_length=100)
    unit_id: UnitId
    """The unit whose admins above keep the account (reset it, grant it roles)."""
    personal: Sealed
    provider: str | None = Field(default=None, max_length=100)
    """The OpenID provider the account signs in through (its name in the configuration), or None."""


@identity_event("PasswordSet")
class PasswordSet(Event):
    """A password is set: by its holder, or by an admin above who resets it (đặt lại mật khẩu)."""

    account_id: str = Field(max_length=100)
    credential: Sealed
    reset_by_admin: bool = False
    """A reset: the holder must choose a new password at the next sign-in, and the lock is lifted."""


@identity_event("TotpEnabled")
class TotpEnabled(Event):
    """The holder turns on the second factor: a one-time code from an authenticator app (TOTP)."""

    account_id: str = Field(max_length=100)
    credential: Sealed


@identity_event("TotpDisabled")
class TotpDisabled(Event):
    """The second factor is turned off: by the holder, or by an admin above after a lost phone."""

    account_id: str = Field(max_length=100)


@identity_event("AccountLocked")
class AccountLocked(Event):
    """Too many failed sign-ins in a row: the account is locked until ``until`` or an admin's reset."""

    account_id: str = Field(max_length=100)
    until: AwareDatetime
    failures: int = Field(ge=1)


@identity_event("AccountErased")
class AccountErased(Event):
    """The account's key is destroyed: its personal fields and credentials are unreadable everywhere."""

    account_id: str = Field(max_length=100)
    request_ref: str | None = Field(default=None, max_length=200)


@identity_event("GrantIssued")
class GrantIssued(Event):
    """A role at a unit, from a day to a day, is granted to an account (phân quyền) by an admin of a unit
    above (``source`` ``admin``), or mapped from a province's identity provider (``oidc:<provider>``)."""

    grant_id: str = Field(max_length=100)
    account_id: str = Field(max_length=100)
    role: Role
    unit_id: UnitId
    valid_from: date
    valid_until: date | None = None
    source: str = Field(default="admin", max_length=120)


@identity_event("GrantRevoked")
class GrantRevoked(Event):
    """A grant ends before its day (thu hồi quyền): by an admin of a unit above, or when the provider's
    claims no longer map to it. Tokens minted from it stop within their lifetime."""

    grant_id: str = Field(max_length=100)
    account_id: str = Field(max_length=100)
    reason: str = Field(default="", max_length=1000)
