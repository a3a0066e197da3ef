"""Path and query parameters every service's routes share, each with the range it accepts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query

from shared.contracts.values import EvaluatedDay, Instant, Year
from shared.ids import PERSON_ID_PATTERN, UNIT_ID_PATTERN

MAX_OFFSET = 1_000_000_000
"""Far beyond any list, and far below the 64-bit integers a database's OFFSET takes."""

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="how many items to skip")]
Limit = Annotated[int, Query(ge=1, le=1000, description="how many items at most")]

UnitIdPath = Annotated[str, Path(pattern=UNIT_ID_PATTERN, description="a unit's id, e.g. 'bg-pl'")]
PersonIdPath = Annotated[
    str, Path(pattern=PERSON_ID_PATTERN, description="a person's pseudonymous id, e.g. 'm-0190f5…'")
]

YearQuery = Annotated[Year | None, Query(description="the year (default: the current one)")]
AsOfQuery = Annotated[
    EvaluatedDay | None,
    Query(description="evaluate on this day (default: today), counting what happened by then"),
]
KnownAtQuery = Annotated[
    Instant | None,
    Query(description="count only what the system had recorded by this instant (as the system knew it)"),
]
LangQuery = Annotated[
    Literal["vi", "en"],
    Query(description="the language of the text: vi (Vietnamese, the default) or en (English)"),
]
