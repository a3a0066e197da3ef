"""Numbers, shares and dates as the reader writes them: 1.234,5 and 75% and 13/01/2026 in Vietnamese."""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMALS = re.compile(r"^\.(\d+)[f%]?$")


def _locale(lang: str) -> str:
    return "vi" if lang == "vi" else "en"


def format_number(value: float | int, lang: str = "vi", decimals: int | None = None) -> str:
    """1.234,5 in Vietnamese, 1,234.5 in English; ``decimals`` fixes the digits after the point."""
    if isinstance(value, int) and not decimals:
        # Whole numbers are most of what messages carry (counts, days): grouped by threes as Babel
        # would, without its pattern machinery (an evaluation renders hundreds of them per union).
        grouped = f"{value:,}"
        return grouped if _locale(lang) == "en" else grouped.replace(",", ".")
    pattern = "#,##0.###" if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def format_percent(share: float, lang: str = "vi", decimals: int = 0) -> str:
    """A share as a percentage: 0.756 → 75,6% (one decimal) in Vietnamese."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "") + "%"
    return babel_percent(share, format=pattern, locale=_locale(lang))


def format_date(value: date | str | None, lang: str = "vi") -> str:
    """dd/mm/yyyy in both languages (the officers' convention); "" for no date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(VIETNAM).date() if value.tzinfo else value.date()
    return value.strftime("%d/%m/%Y")


def format_time(value: datetime | str | None, lang: str = "vi") -> str:
    """dd/mm/yyyy HH:MM in Vietnam time."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


@cache
def _fields(text: str) -> tuple[tuple[str, str | None, str], ...] | None:
    """A text's literal parts and its plain ``{name:spec}`` fields, parsed once; None when a field needs
    the whole of ``str.format`` (a conversion, an index, a nested field)."""
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None and (conversion or not name.isidentifier() or "{" in (spec or "")):
            return None
        parts.append((literal, name, spec or ""))
    return tuple(parts)


class LocaleFormatter(string.Formatter):
    """``str.format`` whose fields follow the reader's language (numbers, shares, dates, messages)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def fill(self, text: str, params: dict[str, Any]) -> str:
        """``text`` with its fields filled from ``params`` (as ``vformat``, from a parse kept per text:
        an evaluation renders hundreds of messages per union)."""
        fields = _fields(text)
        if fields is None:
            return self.vformat(text, (), params)
        out = []
        for literal, name, spec in fields:
            out.append(literal)
            if name is not None:
                out.append(self.format_field(params[name], spec))
        return "".join(out)

    def format_field(self, value: Any, format_spec: str) -> str:
        from shared.i18n.message import Message  # a message's parameter may be a message

        if isinstance(value, Message):
            return value.render(self.lang)
        if isinstance(value, dict) and "id" in value:
            return Message.model_validate(value).render(self.lang)
        if isinstance(value, bool) or value is None:
            return str(value or "")
        if isinstance(value, int | float):
            return self._number(value, format_spec)
        if isinstance(value, date):
            return format_date(value, self.lang)
        if isinstance(value, str) and _ISO_DAY.match(value):
            return format_date(value, self.lang)
        return str(super().format_field(value, format_spec))

    def _number(self, value: float, spec: str) -> str:
        match = _DECIMALS.match(spec)
        decimals = int(match.group(1)) if match else None
        if spec.endswith("%"):
            return format_percent(value, self.lang, decimals or 0)
        if spec and not match:
            return format(value, spec)
        if decimals is None and isinstance(value, float) and not value.is_integer():
            decimals = 1
        return format_number(value, self.lang, decimals)
