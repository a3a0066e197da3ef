"""Where membership's events are kept: one stream per unit, per member and per hardship case."""

from __future__ import annotations

MEMBER_PREFIX = "member-"


def unit_stream(unit_id: str) -> str:
    return f"unit-{unit_id}"


def member_stream(member_id: str) -> str:
    return f"{MEMBER_PREFIX}{member_id}"


def member_of(stream_id: str) -> str:
    """The member whose stream this is."""
    return stream_id.removeprefix(MEMBER_PREFIX)


def case_stream(case_id: str) -> str:
    return f"hardship-{case_id}"
