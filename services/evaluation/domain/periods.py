"""Periods of an evaluation year: halves, quarters and months (kỳ đánh giá)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Period:
    label: str  # 2026, 2026-H1, 2026-Q3, 2026-10
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day where it is shorter)."""
    first = _add_months(day.replace(day=1), -months)
    last = date.fromordinal(_add_months(first, 1).toordinal() - 1).day
    return first.replace(day=min(day.day, last))


def sub_periods(year_start: date, year_end: date, per: str, year: int) -> list[Period]:
    """The ``per`` periods of the year that runs from ``year_start`` to ``year_end``."""
    if per == "Y":
        return [Period(str(year), year_start, year_end)]
    months = {"H": 6, "Q": 3, "M": 1}[per]
    periods = []
    start = year_start
    for n in range(12 // months):
        end = date.fromordinal(_add_months(start, months).toordinal() - 1)
        if per == "M":
            label = f"{start.year}-{start.month:02d}"
        elif per == "Q":
            label = quarter_label(start)
        else:
            label = f"{year}-{per}{n + 1}"
        periods.append(Period(label, start, end))
        start = _add_months(start, months)
    return periods


def quarter_label(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month
