"""What planning's routes share: the body base, which builds the typed command, and the handlers."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from pydantic import Field

from services.planning.app.handlers import PlanningHandlers
from shared.commands import Command
from shared.http.bodies import RequestBody

C = TypeVar("C", bound=Command)

RecordId: Any = Field(
    default=None, pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="omit to let the service give one"
)


class Body(RequestBody):
    """A planning command's body: unknown fields and text that is not text are refused."""

    def command(self, kind: type[C], /, **named: Any) -> C:
        """The command ``kind`` this body asks for: its fields by name (lists as tuples), with what the
        path names and what the route gives in their place (``named``)."""
        fields = {name: tuple(value) if isinstance(value, list) else value for name, value in self}
        return kind(**{**fields, **named})


def planning_of(request: Request) -> PlanningHandlers:
    found: PlanningHandlers = request.app.state.handlers
    return found
