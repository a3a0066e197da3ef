"""The vocabulary of the organisation's tree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shared.clock import local_date


class UnitLevel(StrEnum):
    """A unit's level in the Đoàn's tree."""

    CENTRAL = "central"  # Trung ương Đoàn
    PROVINCE = "province"  # Tỉnh đoàn / Thành đoàn
    DISTRICT = "district"  # Huyện/Thị/Thành đoàn, Đoàn trực thuộc
    GRASSROOTS = "grassroots"  # Đoàn cơ sở
    INTER_BRANCH = "inter_branch"  # Liên chi đoàn
    BRANCH = "branch"  # Chi đoàn


class UnitType(StrEnum):
    """What kind of body a unit sits in; it changes the rules (e.g. a school year runs Sept–Aug)."""

    COMMUNE_WARD = "commune_ward"  # xã/phường
    SCHOOL = "school"  # trường học
    ENTERPRISE = "enterprise"  # doanh nghiệp
    STATE_AGENCY = "state_agency"  # cơ quan nhà nước
    ARMED_FORCES = "armed_forces"  # lực lượng vũ trang
    OTHER = "other"


class UnitStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


# Which level may sit directly under which: the inter-branch level is optional,
# and after the 2025 reform a grassroots union may sit directly under a province.
ALLOWED_PARENTS: dict[UnitLevel, frozenset[UnitLevel]] = {
    UnitLevel.CENTRAL: frozenset(),
    UnitLevel.PROVINCE: frozenset({UnitLevel.CENTRAL}),
    UnitLevel.DISTRICT: frozenset({UnitLevel.PROVINCE}),
    UnitLevel.GRASSROOTS: frozenset({UnitLevel.DISTRICT, UnitLevel.PROVINCE}),
    UnitLevel.INTER_BRANCH: frozenset({UnitLevel.GRASSROOTS}),
    UnitLevel.BRANCH: frozenset({UnitLevel.GRASSROOTS, UnitLevel.INTER_BRANCH}),
}


@dataclass(frozen=True, slots=True)
class OrgUnit:
    unit_id: str
    parent_id: str | None
    path: str
    name: str
    level: UnitLevel
    unit_type: UnitType
    status: UnitStatus
    recognising_unit_id: str | None
    registered_at: datetime
    closed_at: datetime | None

    @property
    def is_active(self) -> bool:
        return self.status is UnitStatus.ACTIVE

    @property
    def opened_on(self) -> date:
        """The day the unit was founded (its registration event occurred then), in Vietnam."""
        return local_date(self.registered_at)

    @property
    def closed_on(self) -> date | None:
        """The day the unit was dissolved or merged, in Vietnam; None while it is active."""
        return local_date(self.closed_at) if self.closed_at is not None else None

    def open_on(self, day: date) -> bool:
        """Whether the unit existed on ``day``: founded by then and not yet closed."""
        return self.open_during(day, day)

    def open_during(self, first: date, last: date) -> bool:
        """Whether the unit existed on some day from ``first`` to ``last``."""
        closed = self.closed_on
        return self.opened_on <= last and (closed is None or first <= closed)
