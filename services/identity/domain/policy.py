"""What a login name and a password must be, and when repeated failures lock an account."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.errors import DomainError

LOGIN_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"
_LOGIN = re.compile(LOGIN_PATTERN)
PASSWORD_MAX = 256


def login_key(login_name: str) -> str:
    """How a login name is looked up: trimmed, lower-case (``Hang.Nguyen`` is ``hang.nguyen``)."""
    return login_name.strip().lower()


def check_login_name(login_name: str) -> str:
    key = login_key(login_name)
    if not _LOGIN.match(key):
        raise DomainError(
            f"{login_name!r} is not a login name",
            rule="invalid_login_name",
            field="login_name",
            value=login_name,
            accepted="3 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return key


def check_password(password: str, login_name: str, min_length: int, field: str = "password") -> None:
    """Long enough, not the login name: length is what resists guessing (NIST SP 800-63B)."""
    if not min_length <= len(password) <= PASSWORD_MAX:
        raise DomainError(
            f"a password of {len(password)} characters is refused",
            rule="weak_password",
            field=field,
            value="…",
            accepted=f"{min_length} to {PASSWORD_MAX} characters",
        )
    if login_key(password) == login_key(login_name):
        raise DomainError(
            "the password is the login name",
            rule="weak_password",
            field=field,
            value="…",
            accepted="a password other than the login name",
        )


@dataclass(frozen=True, slots=True)
class Lockout:
    """``failures`` failed sign-ins in a row lock the login for ``duration``, or until an admin's reset."""

    failures: int = 5
    duration: timedelta = timedelta(minutes=15)

    def after_failure(self, failures_so_far: int, now: datetime) -> tuple[int, datetime | None]:
        """The count after one more failure, and the end of the lock if it locks now (the count restarts)."""
        failures = failures_so_far + 1
        if failures >= self.failures:
            return 0, now + self.duration
        return failures, None
