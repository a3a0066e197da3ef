"""People-facing text, Vietnamese first and English second, from gettext catalogs made with Babel.

Three ways to write a text a person reads:

- ``tr(lang, "Branch meetings", ...)`` translates now, for a reader whose language is known
  (a page, an export, an e-mail);
- ``_("branch {branch}: attendance below {floor:.0%} for {run} months", branch=…, floor=…, run=…)``
  makes a :class:`Message` (a message id with its parameters) that travels in events and answers
  and is rendered later in each reader's language with ``message.render(lang)``;
- ``N_("…")`` only marks a constant for the catalogs (a table of labels rendered with ``tr``).

Parameters are formatted for the language: numbers 1.234,5 in Vietnamese and 1,234.5 in English
(``{n}``, ``{share:.0%}``, ``{amount:.1f}``), dates dd/mm/yyyy (a ``date`` or an ISO date string),
and a parameter that is itself a message is rendered in the same language. The catalogs live in
``shared/i18n/locale/<lang>/LC_MESSAGES/chudong.po``; ``python -m shared.i18n.catalogs update``
extracts new message ids into them and ``… compile`` writes the ``.mo`` files read at run time.
"""

from shared.i18n.formatting import format_date, format_number, format_percent, format_time
from shared.i18n.message import DEFAULT_LANGUAGE, LANGUAGES, N_, Message, _, _n, language, ntr, tr

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "Message",
    "_",
    "_n",
    "format_date",
    "format_number",
    "format_percent",
    "format_time",
    "language",
    "ntr",
    "tr",
]
