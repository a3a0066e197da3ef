"""Grants (phân quyền): a role at a unit, from a day to a day, given by an admin of a unit above.

Never at one's own level: an admin of a district grants roles at the unions below it, not at the
district; a province's admin grants the district's. The root of the tree has no unit above it: its
grants are made by the installation's operator (``chudong accounts``, with the installation's key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.auth import Role
from shared.errors import ConflictError, ForbiddenError, NotFoundError
from shared.ids import path_contains


@dataclass(frozen=True, slots=True)
class Grant:
    grant_id: str
    account_id: str
    role: Role
    unit_id: str
    valid_from: date
    valid_until: date | None
    revoked: bool
    source: str = "admin"

    def live_on(self, day: date) -> bool:
        """In force on ``day``: not revoked, begun, not ended."""
        return (
            not self.revoked
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


def check_granter(
    acting_unit_id: str, acting_path: str | None, target_unit_id: str, target_path: str, *, operator: bool
) -> None:
    """An admin may grant or revoke only at units strictly below their own (never their own level).

    ``operator``: a token minted with the installation's key, not from a grant; the only one that may
    grant at the root (which has no unit above it).
    """
    below = acting_path is not None and path_contains(acting_path, target_path) and acting_path != target_path
    at_root = "." not in target_path
    if below or (at_root and operator and acting_path == target_path):
        return
    raise ForbiddenError(
        f"an admin of {acting_unit_id!r} may not grant or revoke roles at {target_unit_id!r}: "
        "only an admin of a unit above it may",
        rule="not_a_unit_above",
        field="unit_id",
        value=target_unit_id,
        accepted=f"a unit strictly below your unit {acting_unit_id!r}",
    )


def check_dates(valid_from: date, valid_until: date | None) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise ConflictError(
            f"a grant cannot end ({valid_until}) before it begins ({valid_from})",
            rule="grant_dates",
            field="valid_until",
            value=valid_until.isoformat(),
            accepted=f"a day on or after valid_from {valid_from.isoformat()}, or none",
        )


def unknown_grant(grant_id: str) -> NotFoundError:
    return NotFoundError(
        f"grant {grant_id!r} is not known within the scope of your token",
        rule="unknown_grant",
        field="grant_id",
        value=grant_id,
        accepted="the id of a grant at a unit below yours",
    )


def require_not_revoked(grant: Grant) -> None:
    if grant.revoked:
        raise ConflictError(
            f"grant {grant.grant_id!r} is already revoked",
            rule="grant_revoked",
            field="grant_id",
            value=grant.grant_id,
            accepted="a grant still in force",
        )
