"""The ranges of numbers and dates a command or a query may carry.

Each is wide enough for every real case and narrow enough that date arithmetic (a year's bounds, a
quarter's end, a day in Vietnam as UTC) and the databases' 64-bit integers can never overflow on it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field
from pydantic_core import PydanticCustomError

FIRST_YEAR, LAST_YEAR = 2000, 2100
"""Evaluation years, plan years, ratings: the years the product works in."""

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)
"""Any day a user can mean, birth dates included."""

FIRST_EVALUATED, LAST_EVALUATED = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
"""Days the rules are judged on ("as of"), and instants of what the system knew: the product's years."""

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
EvaluatedDay = Annotated[date, Field(ge=FIRST_EVALUATED, le=LAST_EVALUATED)]

INSTANT_ACCEPTED = (
    "a date and time in ISO 8601 with a time zone, "
    f"between {FIRST_EVALUATED.isoformat()} and {LAST_EVALUATED.isoformat()}"
)


_FIRST_INSTANT = datetime.combine(FIRST_EVALUATED, time.min, UTC)
_LAST_INSTANT = datetime.combine(LAST_EVALUATED, time.max, UTC)


def _instant_in_range(value: datetime) -> datetime:
    # Compared as instants: no time zone may carry a value past the range, or past year 9999 in UTC.
    if not _FIRST_INSTANT <= value <= _LAST_INSTANT:
        raise PydanticCustomError(
            "instant_out_of_range",
            "the instant is outside the accepted range",
            {"accepted": INSTANT_ACCEPTED},
        )
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_instant_in_range)]
"""A timezone-aware instant within the product's years."""

MONTH_PATTERN = r"^(20\d\d|2100)-(0[1-9]|1[0-2])$"
QUARTER_PATTERN = r"^(20\d\d|2100)-Q[1-4]$"
Month = Annotated[str, Field(pattern=MONTH_PATTERN, description="YYYY-MM")]
Quarter = Annotated[str, Field(pattern=QUARTER_PATTERN, description="YYYY-Qn")]

Count = Annotated[int, Field(ge=0, le=10_000_000)]
"""People counted (attendance, participants, a census category): at most ten million."""

AmountVnd = Annotated[int, Field(ge=0, le=10**15)]
"""An amount in đồng: at most a million billion."""
