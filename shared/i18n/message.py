"""Message ids with parameters, rendered in the reader's language from the catalogs (thông điệp)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from pydantic import BaseModel, ConfigDict, Field

from shared.i18n.formatting import LocaleFormatter

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
DOMAIN = "chudong"
LOCALE_DIR = Path(__file__).parent / "locale"


def language(value: str | None) -> str:
    """A supported language from a query parameter, cookie or header value; Vietnamese otherwise."""
    lang = (value or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalog(lang: str) -> NullTranslations:
    """The compiled catalog of one language (the message id itself where a text is not translated)."""
    return Translations.load(str(LOCALE_DIR), [language(lang)], DOMAIN)


def _fill(lang: str, text: str, params: dict[str, Any]) -> str:
    if not params:
        return text
    try:
        return LocaleFormatter(lang).fill(text, params)
    except (KeyError, IndexError, ValueError):
        # A translation that names a parameter the message does not carry must not hide the text.
        return text


def tr(lang: str, msgid: str, /, **params: Any) -> str:
    """The text in ``lang`` with its parameters filled in."""
    return _fill(lang, catalog(lang).gettext(msgid), params)


def ntr(lang: str, singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The singular or plural text for ``n`` (``{n}`` is available to the text)."""
    return _fill(lang, catalog(lang).ngettext(singular, plural, n), {"n": n, **params})


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Marks a constant for the catalogs; translate it with ``tr`` where it is shown."""
    return msgid


class Message(BaseModel):
    """A text to be read later, in whichever language the reader uses: its id and its parameters."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, max_length=1000)
    plural: str | None = None
    n: int | None = None
    params: dict[str, Any] = Field(default_factory=dict)

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        if self.plural is not None:
            return ntr(lang, self.id, self.plural, self.n or 0, **self.params)
        return tr(lang, self.id, **self.params)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)


def _(msgid: str, /, **params: Any) -> Message:
    """A message to render later in the reader's language."""
    return Message(id=msgid, params=params)


def _n(singular: str, plural: str, n: int, /, **params: Any) -> Message:
    """A message with singular and plural forms, to render later."""
    return Message(id=singular, plural=plural, n=n, params=params)
