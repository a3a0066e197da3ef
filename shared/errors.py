"""Errors a user can cause, each naming the field, the value and what would be accepted."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A command broke a rule of the domain; nothing was written.

    ``rule`` is a short stable code (e.g. ``age_at_admission``), ``field`` the
    input it concerns, ``value`` what was given and ``accepted`` what would be.
    """

    status_code = 422

    def __init__(
        self,
        message: str,
        *,
        rule: str,
        field: str | None = None,
        value: Any = None,
        accepted: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.field = field
        self.value = value
        self.accepted = accepted

    def to_dict(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"rule": self.rule, "message": self.message}
        if self.field is not None:
            detail["field"] = self.field
            detail["value"] = self.value
        if self.accepted is not None:
            detail["accepted"] = self.accepted
        return detail


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    """The command contradicts the current state (e.g. approving a plan twice)."""

    status_code = 409


class ForbiddenError(DomainError):
    status_code = 403
