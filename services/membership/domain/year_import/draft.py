"""An import as it is checked: what the system holds, what the workbook adds to it, the steps and the errors.

The check runs the rows through the domain's own rules on a copy of the state (the tree with the units the
workbook registers, each member's history with what the workbook records), so a workbook that passes is
one the services will take, step after step; and what it cannot see (a planning rule) they refuse whole
for that step, naming the same cell.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from services.membership.domain.year_import.cells import CellError
from services.membership.domain.year_import.steps import Phase, Step
from services.membership.domain.year_import.workbook import Row
from shared.auth import Permission, Role
from shared.clock import start_of_day
from shared.contracts.member_status import status_change
from shared.contracts.member_stays import stay_on, stays_from
from shared.contracts.membership import MemberJoined
from shared.contracts.org import OrgUnit, UnitLevel, UnitStatus
from shared.errors import DomainError
from shared.events import Event
from shared.ids import path_contains
from shared.orgtree.guard import require_active_unit, require_open_on


def plain(value: Any) -> Any:
    """A value as a request's JSON carries it: a date as YYYY-MM-DD, a choice as its value, a list."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class Known:
    """What the system holds that a workbook may name, read before the check."""

    scope: OrgUnit
    """The unit the import is for: everything the workbook names lies at or below it."""
    units: Mapping[str, OrgUnit]
    """Every registered unit at or below the scope, closed ones too."""
    histories: Mapping[str, tuple[Event, ...]]
    """The members the workbook names, or who are in the branches it names, that are within the scope."""
    taken_member_ids: frozenset[str]
    """Member ids already used anywhere (an admission under one of them is refused)."""
    unit_events: Mapping[str, tuple[Event, ...]]
    """What membership recorded of the units the sheet Báo cáo names (reviews, reports)."""
    today: date
    role: Role
    acting_unit: OrgUnit | None
    """The unit the caller's token stands for (an approval is the upper level's)."""


@dataclass
class Draft:
    """The state the rows are checked against, changing as they are."""

    known: Known
    now: dict[str, OrgUnit] = field(default_factory=dict)
    """Each unit as the commands will find it when sent (a unit closing in the workbook is still open)."""
    life: dict[str, OrgUnit] = field(default_factory=dict)
    """Each unit with the days it lives (a unit closing in the workbook with its closing day)."""
    histories: dict[str, list[Event]] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    already: list[Row] = field(default_factory=list)
    """Rows (or steps of rows) found already recorded: nothing is sent for them."""
    branch_index: dict[str, set[str]] | None = None

    @classmethod
    def of(cls, known: Known) -> Draft:
        return cls(
            known,
            now=dict(known.units),
            life=dict(known.units),
            histories={m: list(h) for m, h in known.histories.items()},
        )

    @property
    def today(self) -> date:
        return self.known.today

    # what goes wrong

    def fail(self, row: Row, key: str, message: str, accepted: str, value: Any = None) -> None:
        self.errors.append(row.error(key, message, accepted, value))

    def refused(self, row: Row, exc: DomainError, columns: Mapping[str, str] | None = None) -> None:
        """A rule of the domain refused the row: the error names the column of the field it names."""
        name = (exc.field or "").split("[")[0].removeprefix("profile.")
        key = (columns or {}).get(name, name)
        if key not in {c.key for c in row.sheet.columns}:
            key = row.sheet.columns[0].key
        self.fail(row, key, exc.message, exc.accepted or "", exc.value)

    # what is sent

    def add(self, step: Step) -> None:
        self.steps.append(replace(step, sequence=len(self.steps)))

    def send(
        self,
        row: Row,
        service: str,
        method: str,
        path: str,
        body: Mapping[str, Any],
        *,
        command: str,
        permission: Permission,
        phase: Phase,
        day: date | None,
        fields: Mapping[str, str] | None = None,
        already: Iterable[str] = (),
    ) -> None:
        clean = {k: plain(v) for k, v in body.items() if v is not None and v != ""}
        step = Step(
            service,
            method,
            path,
            clean,
            command,
            permission,
            phase,
            day,
            row,
            fields or {},
            frozenset(already),
        )
        self.add(step)

    # units

    def in_scope(self, unit: OrgUnit) -> bool:
        return path_contains(self.known.scope.path, unit.path)

    def unit(
        self, row: Row, key: str, *, levels: Collection[UnitLevel] = (), days: Iterable[str] = ()
    ) -> OrgUnit | None:
        """The unit the row names in ``key``: known within the scope (registered, or in the sheet Đơn vị),
        open now, of one of ``levels``, and living on each of the row's dates ``days``; else None, with
        the error on the cell."""
        unit_id = row.get(key)
        life = self.life.get(unit_id)
        if life is None or not self.in_scope(life):
            self.fail(
                row,
                key,
                f"unit {unit_id!r} is neither registered within {self.known.scope.unit_id!r} "
                "nor in the sheet Đơn vị",
                f"the id of a unit at or below {self.known.scope.unit_id!r}",
            )
            return None
        try:
            require_active_unit(self.now[unit_id], unit_id, field=key, levels=levels)
            for day_key in days:
                day = row.get(day_key)
                if day is not None:
                    require_open_on(life, day, field=day_key)
        except DomainError as exc:
            self.refused(row, exc)
            return None
        return life

    def register(self, unit: OrgUnit, closed_on: date | None) -> None:
        """A unit the workbook registers: open for the commands, living until ``closed_on``."""
        self.now[unit.unit_id] = unit
        if closed_on is not None:
            unit = replace(unit, status=UnitStatus.CLOSED, closed_at=start_of_day(closed_on))
        self.life[unit.unit_id] = unit

    def union_of(self, unit_id: str) -> str | None:
        """The grassroots union that holds (or is) the unit."""
        unit = self.now.get(unit_id)
        while unit is not None and unit.level is not UnitLevel.GRASSROOTS:
            unit = self.now.get(unit.parent_id) if unit.parent_id else None
        return unit.unit_id if unit is not None else None

    def branches_below(self, unit: OrgUnit, day: date) -> list[str]:
        """The branches at or below ``unit`` that lived on ``day``."""
        return sorted(
            u.unit_id
            for u in self.life.values()
            if u.level is UnitLevel.BRANCH and path_contains(unit.path, u.path) and u.open_on(day)
        )

    # members

    def member(self, row: Row, key: str) -> list[Event] | None:
        """The history of the member the row names: admitted before, within the scope, or in the sheet
        Đoàn viên; else None, with the error on the cell."""
        member_id = row.get(key)
        history = self.histories.get(member_id)
        if not history or not isinstance(history[0], MemberJoined):
            self.fail(
                row,
                key,
                f"member {member_id!r} is neither admitted within {self.known.scope.unit_id!r} "
                "nor in the sheet Đoàn viên",
                "the id of a member admitted before, or of a row of the sheet Đoàn viên",
            )
            return None
        return history

    def admitted(self, member_id: str, joined: MemberJoined) -> None:
        """A member the workbook admits: their history starts."""
        self.histories[member_id] = [joined]
        self._by_branch().setdefault(joined.branch_id, set()).add(member_id)

    def members_active(self, branch_ids: Collection[str], day: date) -> int:
        """How many members were active in ``branch_ids`` on ``day``."""
        index = self._by_branch()
        count = 0
        for member_id in set().union(*(index.get(b, set()) for b in branch_ids)):
            count += stay_on(stays_from(self.histories[member_id]), day, branch_ids) is not None
        return count

    def _by_branch(self) -> dict[str, set[str]]:
        """Each branch's members, ever: the members whose history places them there at some time."""
        if self.branch_index is None:
            self.branch_index = {}
            for member_id, history in self.histories.items():
                for event in history:
                    change = status_change(event)
                    if change is not None and change.branch_id is not None:
                        self.branch_index.setdefault(change.branch_id, set()).add(member_id)
        return self.branch_index
