"""A refusal as a person reads it (lời báo lỗi): the services' error codes turned into catalog messages.

A service refuses with a code (``rule``), the field, the value and what it accepts, in English for the
programs that call it (``shared.errors``, ``shared.http.errors``). A page shows the message the catalogs
hold for the code, with the value where it helps and names for ids; a code the dashboard does not know
gets the message of its status, never the service's English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.dashboard.domain.text import LABELS
from shared.i18n import N_, Message, _

ROLES: dict[str, str] = {
    "branch_secretary": N_("branch secretary"),
    "union_secretary": N_("grassroots union secretary"),
    "district_officer": N_("district officer"),
    "province_officer": N_("province officer"),
    "auditor": N_("auditor"),
    "admin": N_("administrator"),
}
FIELDS: dict[str, str] = {
    "as_of": "as_of",
    "decided_on": "date",
    "decision_number": "decision_number",
    "reasons": "reasons",
    "comment": "comment",
    "criterion": "criterion",
    "verdict": "verdict",
    "status": "status",
    "year": "year",
    "recognised": "decide",
    "token": "token",
}
"""The label (``services/dashboard/domain/text.py``) of each field of the dashboard's forms."""

RULES: dict[str, str] = {
    "recognition_step": N_(
        "The recognition file is at the step “{value}”: this step needs “{accepted}” first."
    ),
    "not_recognising_unit": N_("Only the recognising unit ({accepted}) may appraise and decide."),
    "appraisal_status": N_("An appraisal concludes that the criterion is met or not: choose Pass or Fail."),
    "criteria_not_met": N_("The union cannot be recognised: criteria {value} were appraised as not met."),
    "reasons_required": N_("A decision not to recognise needs its reasons."),
    "decision_number_required": N_("A recognition decision needs its decision number."),
    "not_a_union": N_("This unit is not a grassroots union."),
    "unknown_indicator": N_("The rules of this union have no indicator “{value}”."),
    "unknown_unit": N_("No unit “{value}” within your scope."),
    "unknown_member": N_("No member “{value}” within your scope."),
    "unknown_inbox_item": N_("This alert is not in your inbox."),
    "forbidden_role": N_("Your role ({value}) may not do this."),
    "out_of_scope": N_("Your unit is not known to the system yet."),
    "unauthenticated": N_("Sign in again: your access token is missing or no longer valid."),
    "invalid_date": N_("“{value}” is not a date: type it as dd/mm/yyyy, e.g. 27/11/2026."),
    "date_out_of_range": N_("“{value}” is outside the years evaluated."),
    "invalid_request": N_("Some of what was entered is missing or not valid: {field}."),
    "concurrent_change": N_("Someone changed this at the same moment: reload the page and try again."),
    "not_found": N_("This page does not exist."),
}

STATUSES: dict[int, str] = {
    400: N_("The request is not valid."),
    401: N_("Sign in again: your access token is missing or no longer valid."),
    403: N_("You may not do this."),
    404: N_("Not found, or outside your scope."),
    405: N_("This page does not exist."),
    409: N_("This cannot be done at the current step."),
    422: N_("Some of what was entered is missing or not valid."),
}
TOKEN_PROBLEMS: dict[str, str] = {
    "expired": N_("Your access token has expired: ask for a new one and sign in again."),
    "invalid": N_("This is not a valid access token: paste the whole token your administrator gave you."),
}
"""Why a token was not accepted at sign-in, by code."""
UNAVAILABLE = N_("The system is busy or not answering at the moment: try again in a few minutes.")
TITLES: dict[int, str] = {403: N_("Access denied"), 404: N_("Not found")}
TITLE = N_("Error")


@dataclass(frozen=True, slots=True)
class Refusal:
    """What a page says about a refusal: its title and its message, with the code kept for the page."""

    status: int
    rule: str
    title: Message
    text: Message


def refusal(
    status: int,
    rule: str,
    *,
    field: str | None = None,
    value: Any = None,
    accepted: str | None = None,
    unit: Callable[[str], Any] = str,
) -> Refusal:
    """The refusal of ``status`` with code ``rule`` in catalog messages; ``unit`` names a unit id."""
    title = _(TITLES.get(status, TITLE))
    if rule in RULES:
        params = _params(rule, field, value, accepted, unit)
        return Refusal(status, rule, title, _(RULES[rule], **params))
    text = STATUSES.get(status, UNAVAILABLE if status >= 500 else STATUSES[400])
    return Refusal(status, rule, title, _(text))


def _params(
    rule: str, field: str | None, value: Any, accepted: str | None, unit: Callable[[str], Any]
) -> dict[str, Any]:
    shown: Any = _short(value)
    wanted: Any = accepted or ""
    if rule == "recognition_step":  # stages as the page names them: "Đã đăng ký"
        shown = _label(str(value))
        wanted = _either([_label(s) for s in (accepted or "").split(" or ") if s])
    elif rule == "not_recognising_unit":
        wanted = unit(accepted or "")
    elif rule == "forbidden_role":
        shown = _(ROLES[str(value)]) if str(value) in ROLES else str(value)
    elif rule == "criteria_not_met" and isinstance(value, list):
        shown = ", ".join(str(v) for v in value)
    first = (field or "").split(",")[0].split(".")[-1].strip()
    return {"value": shown, "accepted": wanted, "field": _label(FIELDS.get(first, first))}


def _label(key: str) -> Any:
    return _(LABELS[key]) if key in LABELS else key


def _either(items: list[Any]) -> Any:
    """ "A or B or C" in the reader's language."""
    if len(items) < 2:
        return items[0] if items else ""
    return _("{first} or {second}", first=_either(items[:-1]), second=items[-1])


def _short(value: Any) -> Any:
    if isinstance(value, int | float):
        return value
    text = str(value if value is not None else "")
    return text[:80] + "…" if len(text) > 80 else text


def token_problem(code: str) -> Message | None:
    """Why the sign-in failed, for a code of :data:`TOKEN_PROBLEMS` (None for no or an unknown code)."""
    return _(TOKEN_PROBLEMS[code]) if code in TOKEN_PROBLEMS else None
