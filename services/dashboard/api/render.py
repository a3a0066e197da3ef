"""The Jinja2 environment: templates, Vietnamese formatting filters, and the page's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from services.dashboard.domain.figures import (
    FIGURES,
    advisory_words,
    census_categories,
    census_label,
    figure_label,
)
from services.dashboard.domain.text import (
    evidence_kind,
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


def page(request: Request, template: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    def t(key: str) -> str:
        return label(lang, key)

    def iname(indicator: dict[str, Any]) -> str:
        return indicator_name(lang, str(indicator["indicator_id"]), str(indicator["name"]))

    def kind(value: str) -> str:
        return evidence_kind(lang, value)

    def late(days: int, counts_as: str = "counted") -> str:
        return late_mark(lang, days, counts_as)

    def late_of(evidence: dict[str, Any]) -> str:
        return late_summary(lang, evidence)

    def text(msgid: str, **params: Any) -> str:
        """A template's own text: ``{{ _("Branch meetings") }}``, translated by the catalogs."""
        return tr(lang, msgid, **params)

    def message(value: Message | dict[str, Any] | str | None) -> str:
        """A message that arrived in an answer (``{"id", "params"}``), in the page's language."""
        if value is None or isinstance(value, str):
            return value or ""
        return (value if isinstance(value, Message) else Message.model_validate(value)).render(lang)

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

    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "t": t,
            "_": text,
            "msg": message,
            "iname": iname,
            "kind": kind,
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
