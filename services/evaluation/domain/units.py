"""The union and its branches, as the evaluation sees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shared.contracts.org import UnitType


@dataclass(frozen=True, slots=True)
class BranchView:
    """A branch of the union (chi đoàn), with the days it opened and closed."""

    unit_id: str
    opened_on: date
    closed_on: date | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class UnionView:
    """A grassroots union (Đoàn cơ sở) as the evaluation sees it: its type and its branches."""

    unit_id: str
    unit_type: UnitType
    branches: tuple[BranchView, ...] = ()
    name: str = ""
    path: str = ""
    opened_on: date | None = None
    _names: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {b.unit_id: b.name for b in self.branches if b.name}
        if self.name:
            names[self.unit_id] = self.name
        object.__setattr__(self, "_names", names)

    def name_of(self, unit_id: str) -> str:
        """The name of the union or one of its branches, as the tree gives it ("" where it gives none)."""
        return self._names.get(unit_id, "")


__all__ = ["BranchView", "UnionView"]
