"""Errors a user can cause, each naming the field, the value and what would be accepted."""

from __future__ import annotations

from typing import Any

from shared.i18n import Message


class DomainError(Exception):
    """A command broke a rule of the domain; nothing was written.

    ``rule`` is a short stable code (e.g. ``age_at_admission``), ``field`` the
    input it concerns, ``value`` what was given and ``accepted`` what would be.
    ``message`` says it in English; ``text``, where given, says it as a message a
    person reads in their language (answered as ``text``: ``{"id", "params"}``).
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
        text: Message | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.field = field
        self.value = value
        self.accepted = accepted
        self.text = text

    def render(self, lang: str) -> str:
        """The error in the reader's language where it was said as a message, else in English."""
        return self.text.render(lang) if self.text is not None else self.message

    def to_dict(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"rule": self.rule, "message": self.message}
        if self.field is not None:
            detail["field"] = self.field
            detail["value"] = self.value
        if self.accepted is not None:
            detail["accepted"] = self.accepted
        if self.text is not None:
            detail["text"] = self.text.model_dump(mode="json", exclude_defaults=True)
        return detail


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    """The command contradicts the current state (e.g. approving a plan twice)."""

    status_code = 409


class ForbiddenError(DomainError):
    status_code = 403
