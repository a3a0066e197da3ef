"""What the membership routes share: the body of a command, and the service's ports for the reads."""

from __future__ import annotations

from fastapi import Request

from services.membership.app.base import Membership
from shared.http.bodies import RequestBody


class Command(RequestBody):
    """A membership command's body: unknown fields and text that is not text are refused."""


def membership_of(request: Request) -> Membership:
    membership: Membership = request.app.state.membership
    return membership
