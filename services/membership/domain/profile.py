"""A member's personal record (hồ sơ đoàn viên): the fields that are sealed under the person's key."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from shared.contracts.text import Line

# The birth years the membership events can carry in clear (``birth_year`` of MemberJoined and
# MemberProfileUpdated): a date outside them is a typing mistake, refused before anything is sealed.
BIRTH_YEARS = (1900, 2100)


class Gender(StrEnum):
    MALE = "male"  # nam
    FEMALE = "female"  # nữ
    OTHER = "other"


class Profile(BaseModel):
    """What an officer records about a member; never written to an event in clear.

    Ethnicity (dân tộc) and religion (tôn giáo) are sensitive under Law 91/2025.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    full_name: Line = Field(min_length=1, max_length=200, description="họ và tên")
    # A plain date: the years on record (checked below) are narrower than ``Day`` and say so in words.
    birth_date: date = Field(description="ngày sinh, YYYY-MM-DD")
    gender: Gender | None = None
    ethnicity: Line | None = Field(default=None, max_length=100, description="dân tộc")
    religion: Line | None = Field(default=None, max_length=100, description="tôn giáo")
    phone: Line | None = Field(default=None, max_length=30)
    email: Line | None = Field(default=None, max_length=200)
    address: Line | None = Field(default=None, max_length=500, description="nơi ở hiện nay")

    @field_validator("birth_date")
    @classmethod
    def _birth_year_on_record(cls, birth_date: date) -> date:
        first, last = BIRTH_YEARS
        if not first <= birth_date.year <= last:
            raise PydanticCustomError(
                "birth_date_range",
                "a date of birth from {first}-01-01 to {last}-12-31",
                {"first": first, "last": last},
            )
        return birth_date

    def sealed_fields(self) -> dict[str, Any]:
        """The plaintext that goes under the person's key (absent fields left out)."""
        return self.model_dump(mode="json", exclude_none=True)

    def missing_fields(self) -> tuple[str, ...]:
        """Required fields of a complete roster entry (C1.1) that are not filled in."""
        values = self.model_dump()
        return tuple(name for name in REQUIRED_FIELDS if values.get(name) in (None, ""))


REQUIRED_FIELDS: tuple[str, ...] = ("full_name", "birth_date", "gender", "ethnicity", "address")
"""The fields a complete roster entry needs (danh sách đoàn viên đầy đủ thông tin)."""


def age_on(birth_date: date, day: date) -> int:
    """Full years of age on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def birthday(birth_date: date, age: int) -> date:
    """The day one turns ``age`` (29 February counts as 28 February in common years)."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return birth_date.replace(year=birth_date.year + age, day=28)
