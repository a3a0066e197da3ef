"""Columns that the services' tables declare alike: ids of units, people and events, unit paths, instants.

Each is as long as what it holds may be (see :mod:`shared.ids`): a unit id 63 characters, a unit's path
1000 (the ids from the root, joined by dots), a person's pseudonymous id 64, an event id a UUID's 36.
A column is NOT NULL unless it is given ``nullable=True``; other options (``primary_key``, ``index``, …)
are SQLAlchemy's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Column, DateTime, String
from sqlalchemy.types import TypeEngine

UNIT_ID = String(63)
UNIT_PATH = String(1000)
PERSON_ID = String(64)
EVENT_ID = String(36)
INSTANT = DateTime(timezone=True)
"""A moment, with its time zone (stored in UTC)."""

_T = TypeVar("_T")


def unit_id(name: str = "unit_id", **options: Any) -> Column[str]:
    """A unit of the org tree, by its id (``org_units.unit_id``): a branch, a union, a recognising unit."""
    return _column(name, UNIT_ID, options)


def unit_path(name: str = "unit_path", **options: Any) -> Column[str]:
    """Where in the tree a row belongs: its unit's path, what scopes and subtree queries match on."""
    return _column(name, UNIT_PATH, options)


def person_id(name: str, **options: Any) -> Column[str]:
    """A person (a member, a young person in hardship), by their pseudonymous id."""
    return _column(name, PERSON_ID, options)


def event_id(name: str = "event_id", **options: Any) -> Column[str]:
    """An event of a history, by its id (a UUID)."""
    return _column(name, EVENT_ID, options)


def instant(name: str, **options: Any) -> Column[datetime]:
    """A moment: when something happened or was recorded."""
    return _column(name, INSTANT, options)


def member_place_columns(**branch_options: Any) -> tuple[Column[str], Column[str], Column[str]]:
    """A member's place, as the services that follow membership's events keep it: their branch and status."""
    return (
        person_id("member_id", primary_key=True),
        unit_id("branch_id", **branch_options),
        Column("status", String(20), nullable=False),
    )


def _column(name: str, type_: TypeEngine[_T], options: dict[str, Any]) -> Column[_T]:
    return Column(name, type_, **{"nullable": False, **options})
