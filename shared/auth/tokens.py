"""Bearer tokens: signed JWTs carrying the user, a role and the unit the user acts for.

The identity service mints them from a live grant (ADR 0024): short-lived, naming the sign-in session
(``sid``) and the grant (``gid``) they came from. ``chudong token`` mints development tokens without
either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import jwt

from shared.auth.roles import Permission, Role, permissions_of
from shared.clock import utcnow
from shared.ids import is_unit_id

ALGORITHM = "HS256"


class TokenError(Exception):
    """The token is missing, malformed, expired or not signed by us."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: who they are, their role, and the unit (with everything below it) they act on."""

    subject: str
    role: Role
    unit_id: str
    name: str = ""
    session_id: str = ""
    """The sign-in session the token was minted for (empty for a development token)."""
    grant_id: str = ""
    """The grant the role and unit come from (empty for a development token)."""

    def can(self, permission: Permission) -> bool:
        return permission in permissions_of(self.role)


def mint_token(
    secret: str,
    *,
    subject: str,
    role: Role,
    unit_id: str,
    name: str = "",
    issuer: str = "chudong",
    lifetime: timedelta = timedelta(hours=12),
    session_id: str = "",
    grant_id: str = "",
) -> str:
    if not is_unit_id(unit_id):
        raise TokenError(f"unit {unit_id!r} is not a unit id (lower-case letters, digits, '-', '_')")
    now = utcnow()
    claims = {
        "sub": subject,
        "role": role.value,
        "unit": unit_id,
        "name": name,
        "iss": issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    if session_id:
        claims["sid"] = session_id
    if grant_id:
        claims["gid"] = grant_id
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(token: str, secret: str, *, issuer: str = "chudong") -> Principal:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], issuer=issuer, options={"require": ["sub", "exp", "iss"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("the token has expired; sign in again") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError(f"the token is not valid: {exc}") from exc
    try:
        role = Role(str(claims.get("role")))
    except ValueError as exc:
        accepted = ", ".join(r.value for r in Role)
        raise TokenError(f"the token's role {claims.get('role')!r} is not one of: {accepted}") from exc
    unit = claims.get("unit")
    if not isinstance(unit, str) or not is_unit_id(unit):
        raise TokenError(f"the token's unit {unit!r} is not a unit id")
    return Principal(
        subject=str(claims["sub"]),
        role=role,
        unit_id=unit,
        name=str(claims.get("name", "")),
        session_id=str(claims.get("sid", "")),
        grant_id=str(claims.get("gid", "")),
    )
