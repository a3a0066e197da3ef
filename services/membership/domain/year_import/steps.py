"""A step of an import: one request to one service's command, with the row and cells it came from.

Steps are sent in the order of their :class:`Phase` (the tree, then members, then what names them …),
within a phase by date. Each carries an ``Idempotency-Key`` that is the hash of the request itself: the
same row sent again (the same workbook imported again, or resumed after a crash or a refusal) is the same
request under the same key, answered from the service's record of it and written once.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from typing import Any

from services.membership.domain.year_import.cells import CellError
from services.membership.domain.year_import.workbook import Row
from shared.auth import Permission


class Phase(IntEnum):
    """The order of what is sent: what a step names exists before it."""

    UNITS = 0
    MEMBERS = 1
    MEMBER_RECORDS = 2
    PLANS = 3
    RECORDS = 4
    FOLLOW_UPS = 5  # held, completed, outcomes, joint activities: after what they follow
    SELF_ASSESSMENT = 6
    CLOSURES = 7


@dataclass(frozen=True, slots=True)
class Step:
    """One request: ``service`` (membership, planning, evaluation), the route and its JSON body."""

    service: str
    method: str
    path: str
    body: Mapping[str, Any]
    command: str
    """The service's command this request runs (its row in the service's command table)."""
    permission: Permission
    phase: Phase
    day: date | None
    row: Row
    fields: Mapping[str, str] = field(default_factory=dict)
    """A field of the request (as a refusal names it) → the row's column it came from."""
    already: frozenset[str] = frozenset()
    """Rules of a refusal that mean the record is already there (recorded by an earlier import)."""
    sequence: int = 0

    @property
    def key(self) -> str:
        """The request's own hash: the same request, the same key."""
        body = json.dumps([self.service, self.method, self.path, self.body], sort_keys=True, default=str)
        return f"year-import-{hashlib.sha256(body.encode()).hexdigest()[:40]}"

    def order(self) -> tuple[int, date, int]:
        return (self.phase, self.day or date.min, self.sequence)

    def column_of(self, request_field: str | None) -> str:
        """The row's column a refused field came from; the row's first column when it names none."""
        name = re.sub(r"\[\d+\]$", "", (request_field or "").removeprefix("body."))
        name = name.removeprefix("profile.")
        return self.fields.get(name, name if name in self.row.values else self.row.sheet.columns[0].key)

    def refused(self, message: str, request_field: str | None, value: Any, accepted: str) -> CellError:
        """A service's refusal of this step, named by the sheet, row and column it came from."""
        return self.row.error(self.column_of(request_field), message, accepted, value=value)


def derived_id(prefix: str, row: Row, *keys: str) -> str:
    """An id for a record whose row gives none, made from the row's content: the same row, the same id."""
    content = json.dumps([row.sheet.key, *(row.get(k) for k in keys)], sort_keys=True, default=str)
    return f"{prefix}-{hashlib.sha256(content.encode()).hexdigest()[:16]}"
