"""Identifiers: event ids (UUIDv7) and the rules for unit and person ids."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from pydantic import StringConstraints
from uuid6 import uuid7

UNIT_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
_UNIT_ID_RE = re.compile(UNIT_ID_PATTERN)

UnitId = Annotated[str, StringConstraints(pattern=UNIT_ID_PATTERN)]
"""A unit's code: lower-case letters, digits, '-' and '_' (so it can stand in a NATS subject)."""

UnitPath = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}(\.[a-z0-9][a-z0-9_-]{0,62})*$")
]
"""The ids of a unit's ancestors and itself, from the root, joined by dots: ``vn.bg.bg-pl.dcs-01``."""

PERSON_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
PersonId = Annotated[str, StringConstraints(pattern=PERSON_ID_PATTERN)]
"""A person's pseudonymous id (a member ``m-…``, a young person ``p-…``): letters, digits, '-' and '_'."""


def new_event_id() -> uuid.UUID:
    """A time-ordered UUIDv7, so ids sort by creation."""
    return uuid.UUID(bytes=uuid7().bytes)


def new_id(prefix: str) -> str:
    """A new opaque id such as ``m-0190f5…`` for a member (a pseudonym: it carries no personal data)."""
    return f"{prefix}-{uuid7().hex}"


def is_unit_id(value: str) -> bool:
    return bool(_UNIT_ID_RE.match(value))


def path_contains(scope_path: str, path: str) -> bool:
    """True when ``path`` is the unit at ``scope_path`` or one of the units below it."""
    return path == scope_path or path.startswith(scope_path + ".")
