"""Time: all instants are timezone-aware UTC; users' dates are in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(UTC)


def start_of_day(day: date) -> datetime:
    """The first instant of ``day`` in Vietnam, as UTC."""
    return datetime.combine(day, time.min, VIETNAM).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Vietnam, as UTC: "as of 31/10" includes all of 31/10."""
    return start_of_day(day + timedelta(days=1)) - timedelta(microseconds=1)


def local_date(instant: datetime) -> date:
    """The calendar date in Vietnam of an instant."""
    return instant.astimezone(VIETNAM).date()


class Clock:
    """Where services read the time, so tests and replays can set it."""

    def now(self) -> datetime:
        return utcnow()

    def today(self) -> date:
        return local_date(self.now())


class FixedClock(Clock):
    """A clock that shows the time it is set to (tests, and "as of" evaluations)."""

    def __init__(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("a FixedClock needs a timezone-aware instant")
        self.instant = instant

    def now(self) -> datetime:
        return self.instant

    def advance(self, delta: timedelta) -> None:
        self.instant += delta
