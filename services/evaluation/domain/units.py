"""The union and its branches, as the evaluation sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.contracts.org import UnitType


@dataclass(frozen=True, slots=True)
class BranchView:
    """A branch of the union (chi đoàn), with the days it opened and closed."""

    unit_id: str
    opened_on: date
    closed_on: date | None = None


@dataclass(frozen=True, slots=True)
class UnionView:
    """A grassroots union (Đoàn cơ sở) as the evaluation sees it: its type and its branches."""

    unit_id: str
    unit_type: UnitType
    branches: tuple[BranchView, ...] = ()
    name: str = ""
    path: str = ""
    opened_on: date | None = None


__all__ = ["BranchView", "UnionView"]
