"""The vocabulary of the organisation's tree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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
