"""Password hashing with argon2id (argon2-cffi), its parameters those the library recommends (RFC 9106)."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
# Verified when the login name is unknown, so that an unknown name takes as long as a wrong password.
_DUMMY = _HASHER.hash("chudong: a password nobody has")


async def hash_password(password: str) -> str:
    """The argon2id hash; computed off the event loop (it takes tens of milliseconds, by design)."""
    return await asyncio.to_thread(_HASHER.hash, password)


async def verify_password(hashed: str | None, password: str) -> bool:
    """Whether ``password`` matches ``hashed``; None (no such account) costs the same and is False."""

    def verify() -> bool:
        try:
            return _HASHER.verify(hashed or _DUMMY, password) and hashed is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)
