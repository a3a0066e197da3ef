"""What a cell of the year workbook may hold, and how it is read.

A cell is read as its column's kind: text, an id, a date, a whole number, one of a few labels (Vietnamese,
or the API's own value), a list of ids or lines, or a period (a year, a quarter, a month). A cell that does
not read raises :class:`UnreadableCellError` with what would be accepted, in words; the workbook names it by sheet,
row and column (:class:`CellError`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError

from shared.contracts.text import Line, Note
from shared.contracts.values import FIRST_DAY, LAST_DAY, LAST_YEAR
from shared.ids import PERSON_ID_PATTERN, UNIT_ID_PATTERN

RECORD_ID_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"
"""What planning takes as the id of a meeting, an activity, a proposal … (and of a referral here)."""

_LINE = TypeAdapter(Line)
_NOTE = TypeAdapter(Note)
_SEPARATORS = re.compile(r"[;,\n]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class CellError:
    """One thing wrong in a workbook, where the officer finds it: the sheet and header as in their file."""

    sheet: str
    row: int
    column: str  # the column's letter, "" when the whole sheet is meant
    header: str
    value: Any
    message: str
    accepted: str

    def to_dict(self) -> dict[str, Any]:
        value = self.value.isoformat() if isinstance(self.value, date) else self.value
        if isinstance(value, tuple):
            value = list(value)
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.header,
            "value": value,
            "message": self.message,
            "accepted": self.accepted,
        }


class UnreadableCellError(ValueError):
    """A cell that does not hold what its column takes."""

    def __init__(self, message: str, accepted: str) -> None:
        super().__init__(message)
        self.message = message
        self.accepted = accepted


def label(text: str) -> str:
    """A label as compared: composed, case-folded, single-spaced."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


class Kind(Protocol):
    """How a column's cells are read."""

    @property
    def accepted(self) -> str: ...

    def read(self, value: Any, date_formats: Sequence[str]) -> Any: ...


def _text_of(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed as a number comes back as 123.0
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


@dataclass(frozen=True, slots=True)
class Text:
    max_length: int = 500
    multiline: bool = False

    @property
    def accepted(self) -> str:
        lines = "text (line breaks allowed)" if self.multiline else "one line of text"
        return f"{lines} of at most {self.max_length} characters"

    def read(self, value: Any, date_formats: Sequence[str]) -> str:
        text = _text_of(value)
        if len(text) > self.max_length:
            raise UnreadableCellError(f"{len(text)} characters is too long", self.accepted)
        try:
            return (_NOTE if self.multiline else _LINE).validate_python(text)
        except ValidationError as exc:
            raise UnreadableCellError(str(exc.errors()[0]["msg"]), self.accepted) from exc


@dataclass(frozen=True, slots=True)
class Identifier:
    pattern: str
    what: str

    @property
    def accepted(self) -> str:
        return self.what

    def read(self, value: Any, date_formats: Sequence[str]) -> str:
        text = _text_of(value)
        if not re.fullmatch(self.pattern, text):
            raise UnreadableCellError(f"{text!r} is not {self.what}", self.what)
        return text


UNIT_ID = Identifier(
    UNIT_ID_PATTERN, "a unit id: lower-case letters, digits, '-' and '_', e.g. bg-dcs001-cd01"
)
MEMBER_ID = Identifier(PERSON_ID_PATTERN, "a member id: letters, digits, '-' and '_' (at most 64)")
RECORD_ID = Identifier(RECORD_ID_PATTERN, "an id: letters, digits, '.', '-' and '_' (at most 64)")


@dataclass(frozen=True, slots=True)
class Identifiers:
    """Several ids in one cell, separated by commas, semicolons or line breaks."""

    item: Identifier
    max_items: int = 2000

    @property
    def accepted(self) -> str:
        return f"ids separated by ',' or ';' ({self.item.what})"

    def read(self, value: Any, date_formats: Sequence[str]) -> tuple[str, ...]:
        parts = [p.strip() for p in _SEPARATORS.split(_text_of(value)) if p.strip()]
        if len(parts) > self.max_items:
            raise UnreadableCellError(f"{len(parts)} ids is more than {self.max_items}", self.accepted)
        return tuple(self.item.read(p, date_formats) for p in parts)


@dataclass(frozen=True, slots=True)
class Lines:
    """Several short texts in one cell, one per line (or separated by ';')."""

    max_length: int = 1000
    max_items: int = 100

    @property
    def accepted(self) -> str:
        return f"one item per line or separated by ';', each at most {self.max_length} characters"

    def read(self, value: Any, date_formats: Sequence[str]) -> tuple[str, ...]:
        items = [p.strip() for p in re.split(r"[;\n]+", _text_of(value)) if p.strip()]
        if len(items) > self.max_items:
            raise UnreadableCellError(f"{len(items)} items is more than {self.max_items}", self.accepted)
        return tuple(Text(self.max_length).read(item, date_formats) for item in items)


def _day_month_year(text: str) -> date:
    parts = re.split(r"[/.-]", text)
    if len(parts) != 3 or len(parts[2]) != 4:
        raise ValueError(text)
    day, month, year = (int(p) for p in parts)
    return date(year, month, day)


@dataclass(frozen=True, slots=True)
class Day:
    @property
    def accepted(self) -> str:
        return (
            f"a date cell, or a date written DD/MM/YYYY or YYYY-MM-DD, "
            f"between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
        )

    def read(self, value: Any, date_formats: Sequence[str]) -> date:
        if isinstance(value, datetime):
            found = value.date()
        elif isinstance(value, date):
            found = value
        elif isinstance(value, str):
            found = self._parse(value.strip(), date_formats)
        else:
            raise UnreadableCellError(f"{value!r} is not a date", self.accepted)
        if not FIRST_DAY <= found <= LAST_DAY:
            raise UnreadableCellError(f"{found.isoformat()} is outside the dates accepted", self.accepted)
        return found

    def _parse(self, text: str, date_formats: Sequence[str]) -> date:
        for parse in (date.fromisoformat, _day_month_year):
            try:
                return parse(text)
            except ValueError:
                continue
        for form in date_formats:
            try:
                return datetime.strptime(text, form).date()
            except ValueError:
                continue
        extra = f" or {', '.join(date_formats)}" if date_formats else ""
        raise UnreadableCellError(f"{text!r} is not a date", self.accepted + extra)


@dataclass(frozen=True, slots=True)
class Number:
    low: int
    high: int

    @property
    def accepted(self) -> str:
        return f"a whole number from {self.low:,} to {self.high:,}"

    def read(self, value: Any, date_formats: Sequence[str]) -> int:
        if isinstance(value, bool):
            raise UnreadableCellError(f"{value!r} is not a number", self.accepted)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            text = value.strip().replace(".", "").replace(",", "").replace(" ", "")
            value = int(text) if re.fullmatch(r"-?\d{1,18}", text) else value
        if not isinstance(value, int) or not self.low <= value <= self.high:
            raise UnreadableCellError(f"{value!r} is not a whole number in range", self.accepted)
        return value


YEAR = Number(2000, LAST_YEAR)


@dataclass(frozen=True, slots=True)
class Choice:
    """One of a few values, written as a Vietnamese label or as the API's own value."""

    labels: Mapping[str, Any]  # label as shown in the template → value

    @property
    def accepted(self) -> str:
        shown: dict[Any, str] = {}
        for text, value in self.labels.items():
            shown.setdefault(value, text)
        return "one of: " + "; ".join(shown.values())

    def read(self, value: Any, date_formats: Sequence[str]) -> Any:
        wanted = label(_text_of(value))
        for text, chosen in self.labels.items():
            if label(text) == wanted or (isinstance(chosen, str) and label(chosen) == wanted):
                return chosen
        raise UnreadableCellError(f"{_text_of(value)!r} is not one of the accepted values", self.accepted)


@dataclass(frozen=True, slots=True)
class Period:
    """A report's period: a year (2025), a quarter (2025-Q1, Quý 1/2025) or a month (2025-03, 03/2025)."""

    kind: str  # Y, Q or M
    text: str  # as the API takes it: 2025, 2025-Q1, 2025-03

    @property
    def year(self) -> int:
        return int(self.text[:4])


_QUARTER = re.compile(r"^(?:(\d{4})-?q([1-4])|(?:q|quý)\s*([1-4])\s*[/-]\s*(\d{4}))$")
_MONTH = re.compile(r"^(?:(\d{4})-(\d{1,2})|(?:tháng\s*)?(\d{1,2})\s*/\s*(\d{4}))$")


@dataclass(frozen=True, slots=True)
class PeriodKind:
    @property
    def accepted(self) -> str:
        return "a year (2025), a quarter (2025-Q1 or Quý 1/2025) or a month (2025-03 or 03/2025)"

    def read(self, value: Any, date_formats: Sequence[str]) -> Period:
        text = label(_text_of(value))
        if re.fullmatch(r"\d{4}", text) and YEAR.low <= int(text) <= YEAR.high:
            return Period("Y", text)
        if found := _QUARTER.match(text):
            year, quarter = (found[1], found[2]) if found[1] else (found[4], found[3])
            return self._checked(Period("Q", f"{year}-Q{quarter}"))
        if found := _MONTH.match(text):
            year, month = (found[1], found[2]) if found[1] else (found[4], found[3])
            if 1 <= int(month) <= 12:
                return self._checked(Period("M", f"{year}-{int(month):02d}"))
        raise UnreadableCellError(f"{_text_of(value)!r} is not a period", self.accepted)

    def _checked(self, period: Period) -> Period:
        if not YEAR.low <= period.year <= YEAR.high:
            raise UnreadableCellError(f"{period.text} is outside the years accepted", self.accepted)
        return period
