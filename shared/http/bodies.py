"""The base of every command's request body: unknown fields are refused, and so is text that is not text."""

from __future__ import annotations

from collections import deque
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import InitErrorDetails

from shared.contracts.text import first_surrogate, surrogate_error

_MOST = 100  # problems worth finding: an answer lists fewer


class RequestBody(BaseModel):
    """A command's body. Its text fields use :mod:`shared.contracts.text`; this base also refuses a lone
    surrogate anywhere in the body (a key, a nested model, a list), since no database or answer can encode it.
    """

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_lone_surrogates(cls, data: Any) -> Any:
        errors: list[InitErrorDetails] = []
        _find_surrogates(data, errors)
        if errors:
            # Raised as a ValidationError, each problem keeps its own location in the body.
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return data


def _find_surrogates(data: Any, errors: list[InitErrorDetails]) -> None:
    # Iterative: a deeply nested body must not exhaust the interpreter's stack.
    pending: deque[tuple[Any, tuple[str | int, ...]]] = deque([(data, ())])
    while pending and len(errors) < _MOST:
        value, loc = pending.popleft()
        if isinstance(value, str):
            _check(value, loc, errors)
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and first_surrogate(key) is not None:
                    _check(key, loc, errors)  # an unreadable key is reported where it stands
                else:
                    pending.append((item, (*loc, str(key))))
        elif isinstance(value, list):
            pending.extend((item, (*loc, index)) for index, item in enumerate(value))


def _check(value: str, loc: tuple[str | int, ...], errors: list[InitErrorDetails]) -> None:
    position = first_surrogate(value)
    if position is not None:
        errors.append(InitErrorDetails(type=surrogate_error(position), loc=loc, input=value))
