"""The Jinja2 environment: templates, Vietnamese formatting filters, and the page's language."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from services.dashboard.api.session import CSRF_FIELD
from services.dashboard.app.names import NameBook
from services.dashboard.domain.figures import (
    FIGURES,
    advisory_words,
    census_categories,
    census_label,
    figure_label,
)
from services.dashboard.domain.names import as_message, named
from services.dashboard.domain.roles import ROLE_NAMES
from services.dashboard.domain.text import (
    format_date,
    format_number,
    format_share,
    format_time,
    indicator_name,
    label,
    late_mark,
    late_summary,
)
from shared.i18n import Message, tr

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
env = TEMPLATES.env
env.filters["vdate"] = format_date
env.filters["vtime"] = format_time
env.filters["vnum"] = format_number
env.globals["share"] = format_share
env.globals["role_names"] = ROLE_NAMES


def page(request: Request, template: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    def t(key: str) -> str:
        return label(lang, key)

    def iname(indicator: dict[str, Any]) -> str:
        return indicator_name(lang, str(indicator["indicator_id"]), str(indicator["name"]))

    def late(days: int, counts_as: str = "counted") -> str:
        return late_mark(lang, days, counts_as)

    def late_of(evidence: dict[str, Any]) -> str:
        return late_summary(lang, evidence)

    def text(msgid: str, **params: Any) -> str:
        """A template's own text: ``{{ _("Branch meetings") }}``, translated by the catalogs."""
        return tr(lang, msgid, **params)

    book: NameBook | None = context.get("names")
    ids = book.lookup() if book is not None else {}

    def message(value: Message | dict[str, Any] | str | None) -> str:
        """A message that arrived in an answer (``{"id", "params"}``), in the page's language, with names
        in place of the ids it holds."""
        if value is None or isinstance(value, str):
            return value or ""
        found = as_message(value)
        if found is None:
            return ""
        return (named(found, ids) if ids else found).render(lang)

    def known(value: str) -> str:
        """A text from an answer that the catalogs may know (a figure's label): translated if they do."""
        return tr(lang, value) if value else ""

    def missing(item: dict[str, Any]) -> str:
        """What is missing, with its unit by name: a message's parameters, or its id in a plain text."""
        said, unit_id = message(item.get("description")), str(item.get("unit_id") or "")
        if unit_id and isinstance(item.get("description"), str):
            name = unit_name(unit_id)
            said = re.sub(rf"(?<![\w-]){re.escape(unit_id)}(?![\w-])", lambda _: name, said)
        return said

    def unit_name(unit_id: str) -> str:
        """A unit's name where the page has it, else its id."""
        return book.unit(unit_id) if book is not None else unit_id

    def words(details: dict[str, str]) -> str:
        """What an event says in words (an advisory proposal's subject, its result and note)."""
        return advisory_words(lang, details)

    figures = {
        "figure_keys": list(FIGURES),
        "figure": lambda key: figure_label(lang, key),
        "census": lambda category: census_label(lang, category),
        "census_columns": census_categories,
    }

    def url_with(**changes: Any) -> str:
        params = dict(request.query_params)
        params.pop("lang", None)
        for key, value in changes.items():
            if value in (None, ""):
                params.pop(key, None)
            else:
                params[key] = str(value)
        return f"{request.url.path}?{urlencode(params)}" if params else request.url.path

    officer = context.get("officer")
    form_token = (officer.csrf if officer is not None else "") or getattr(request.state, "form_token", "")
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "t": t,
            "_": text,
            "msg": message,
            "unit_name": unit_name,
            "missing": missing,
            "known": known,
            "iname": iname,
            "late": late,
            "late_of": late_of,
            "words": words,
            **figures,
            "lang": lang,
            "url_with": url_with,
            "officer": context.pop("officer", None),
            # Notifications has no mail server: every page says so (alerts reach only the inbox).
            "mail_missing": getattr(getattr(request.app.state, "mail_notice", None), "missing", False),
            **context,
        },
        status_code=status_code,
        headers={"Content-Language": lang, "Cache-Control": "no-store"},
    )
    if form_token:
        with_token = with_form_token(bytes(response.body).decode(), form_token).encode()
        response.body = with_token
        response.headers["content-length"] = str(len(with_token))
    return response


_POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>", re.IGNORECASE)


def with_form_token(html: str, token: str) -> str:
    """Every POST form of the page carries the session's form token (CSRF), added as the page is rendered."""
    field = f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">'
    return _POST_FORM.sub(lambda found: found.group(0) + field, html)
