"""Histories for evaluation tests: the events membership and planning would record, built tersely."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from shared.contracts import membership as ms
from shared.contracts import planning as pl
from shared.contracts.org import UnitLevel, UnitType
from shared.events import Event, NewEvent

_ids = itertools.count(1)


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), UTC)


def uid(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


class Tree:
    """A small tree: vn > province > district > union > branches; paths by unit id."""

    def __init__(
        self, province: str = "bg", district: str = "bg-pl", union: str = "dcs-1", branches: int = 2
    ):
        self.province, self.district, self.union = province, district, union
        self.paths = {"vn": "vn", province: f"vn.{province}", district: f"vn.{province}.{district}"}
        self.paths[union] = f"{self.paths[district]}.{union}"
        self.branches = [f"{union}-b{i + 1}" for i in range(branches)]
        for branch in self.branches:
            self.paths[branch] = f"{self.paths[union]}.{branch}"

    def registrations(
        self, on: date = date(2025, 1, 5), unit_type: UnitType = UnitType.COMMUNE_WARD
    ) -> list[NewEvent]:
        levels = [
            ("vn", None, UnitLevel.CENTRAL),
            (self.province, "vn", UnitLevel.PROVINCE),
            (self.district, self.province, UnitLevel.DISTRICT),
            (self.union, self.district, UnitLevel.GRASSROOTS),
            *((b, self.union, UnitLevel.BRANCH) for b in self.branches),
        ]
        return [
            NewEvent(
                f"unit-{unit}",
                ms.UnitRegistered(
                    unit_id=unit,
                    name=f"Đơn vị {unit}",
                    level=level,
                    unit_type=unit_type,
                    parent_id=parent,
                    established_on=on,
                ),
                self.paths[unit],
                at(on),
            )
            for unit, parent, level in levels
        ]

    def event(self, unit: str, payload: Event, on: date, stream: str | None = None) -> NewEvent:
        return NewEvent(stream or uid(payload.event_type.lower()), payload, self.paths[unit], at(on))

    # membership

    def member(
        self,
        branch: str,
        member_id: str,
        on: date,
        *,
        missing: int = 0,
        born: int | None = 2000,
        referred_by: str | None = None,
    ) -> NewEvent:
        payload = ms.MemberJoined(
            member_id=member_id,
            branch_id=branch,
            joined_on=on,
            admission_decision_ref=f"QĐ {member_id}",
            referred_by=referred_by,
            birth_year=born,
            missing_fields=tuple(f"f{i}" for i in range(missing)),
        )
        return self.event(branch, payload, on, f"member-{member_id}")

    def roster_reviewed(self, branch: str, on: date) -> NewEvent:
        return self.event(
            branch, ms.BranchRosterReviewed(branch_id=branch, reviewed_on=on, active_members=3), on
        )

    # planning

    def meeting(self, branch: str, on: date, present: int = 8, expected: int = 10) -> NewEvent:
        payload = pl.BranchMeetingHeld(
            meeting_id=uid("mt"),
            branch_id=branch,
            held_on=on,
            kind=pl.MeetingKind.PERIODIC,
            present_count=present,
            expected_count=expected,
        )
        return self.event(branch, payload, on)

    def monthly_meetings(self, branch: str, months: Iterable[int], day: int = 10) -> list[NewEvent]:
        """A meeting of ``branch`` on ``day`` of each of ``months`` of 2026."""
        return [self.meeting(branch, date(2026, month, day)) for month in months]

    def meetings_until(self, second_stops: int) -> list[NewEvent]:
        """The first branch meets on the 10th of every month from January to October 2026; the second
        on the 12th from January, until it stops in month ``second_stops``."""
        first, second = self.branches[:2]
        return [
            *self.monthly_meetings(first, range(1, 11)),
            *self.monthly_meetings(second, range(1, second_stops), day=12),
        ]

    def dialogue(self, on: date) -> NewEvent:
        payload = pl.DialogueHeld(
            dialogue_id=uid("dl"), unit_id=self.union, held_on=on, leaders=("chủ tịch",), participants=40
        )
        return self.event(self.union, payload, on)

    def model_registered(self, year: int, on: date, recognising: str | None = None) -> NewEvent:
        payload = pl.ModelRegistered(
            unit_id=self.union, year=year, registered_on=on, recognising_unit_id=recognising or self.district
        )
        return self.event(self.union, payload, on)
