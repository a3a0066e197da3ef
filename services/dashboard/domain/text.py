"""The dashboard's labels (translated by the catalogs in shared/i18n), late marks, folding for search."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from shared.i18n import LANGUAGES, N_, Message, format_date, format_number, format_percent, format_time, tr
from shared.i18n.formatting import VIETNAM

__all__ = ["LANGUAGES", "VIETNAM", "format_date", "format_number", "format_time"]

LABELS: dict[str, str] = {
    "app": N_("3 chủ động – Dashboard"),
    "sign_in": N_("Sign in"),
    "sign_out": N_("Sign out"),
    "token": N_("Access token"),
    "token_help": N_("Paste the token your administrator gave you (chudong token)."),
    "overview": N_("Overview"),
    "inbox": N_("Inbox"),
    "pass": N_("Pass"),
    "at_risk": N_("At risk"),
    "fail": N_("Fail"),
    "not_assessed": N_("Not assessed"),
    "status": N_("Status"),
    "union": N_("Grassroots union"),
    "unions": N_("Grassroots unions"),
    "district": N_("Unit below"),
    "criterion": N_("Criterion"),
    "c1": N_("C1"),
    "c2": N_("C2"),
    "c3": N_("C3"),
    "criterion_1": N_("Manage members, know the youth"),
    "criterion_2": N_("Build and carry out the work plan"),
    "criterion_3": N_("Advise the Party committee, coordinate"),
    "overall": N_("Overall"),
    "recognised_registered_total": N_("Recognised / Registered / Total"),
    "search": N_("Search by name"),
    "all": N_("All"),
    "filter": N_("Filter"),
    "as_of": N_("As of"),
    "today": N_("Today"),
    "live": N_("Live"),
    "trend": N_("Month by month (share passing)"),
    "trend_basis": N_("At each month's end, by what was due by then"),
    "indicator": N_("Indicator"),
    "evidence": N_("Evidence"),
    "missing": N_("Missing"),
    "events": N_("Recorded events"),
    "date": N_("Date"),
    "recorded": N_("Recorded at"),
    "numbers": N_("Figures"),
    "explanation": N_("Explanation"),
    "core": N_("core"),
    "stage": N_("Recognition stage"),
    "recognition": N_("Appraisal and recognition"),
    "appraise": N_("Appraise a criterion"),
    "verdict": N_("Verdict"),
    "confirmed": N_("Confirmed"),
    "adjusted": N_("Adjusted"),
    "comment": N_("Comment"),
    "save": N_("Record"),
    "decide": N_("Decide"),
    "recognise": N_("Recognise"),
    "deny": N_("Deny"),
    "decision_number": N_("Decision number"),
    "reasons": N_("Reasons"),
    "export_xlsx": N_("Export Excel"),
    "export_pdf": N_("Export PDF"),
    "unread": N_("unread"),
    "mark_read": N_("Mark read"),
    "follow_alert": N_("See the explanation"),
    "no_alerts": N_("No alerts."),
    "forbidden": N_("Access denied"),
    "not_found": N_("Not found"),
    "error": N_("Error"),
    "updated": N_("Just updated"),
    "count": N_("Count"),
    "total": N_("Total"),
    "nothing_missing": N_("Nothing missing."),
    "no_events": N_("No events yet."),
    "back": N_("Back"),
    "unregistered": N_("Not registered"),
    "registered": N_("Registered"),
    "self_assessed": N_("Self-assessed"),
    "appraised": N_("Appraised"),
    "recognised": N_("Recognised"),
    "denied": N_("Denied"),
    "history_note": N_("Statuses replayed from the history up to the end of"),
    "unavailable": N_("Not available"),
    "branches": N_("Branches"),
    "members": N_("Members"),
    "sort": N_("Sort"),
    "name": N_("Name"),
    "appraisals": N_("Appraisals"),
    "year": N_("Year"),
    "show": N_("Show"),
    "language": N_("Tiếng Việt"),
    "live_changed": N_("Something changed – reload the page for the details"),
    "closes_on": N_("period closes"),
    "done_appraised": N_("Appraisal recorded for criterion"),
    "done_decided": N_("Decision recorded"),
    "late": N_("Recorded late"),
    "late_mark": N_("recorded {days} days late"),
    "late_summary": N_("{count} pieces of evidence recorded late, up to {days} days"),
    "late_at_risk": N_("beyond the recording limit: counts only as at risk"),
    "late_not_counted": N_("beyond the recording limit: not counted"),
}
"""The dashboard"s labels by key; the text is the English message id, translated by the catalogs."""


def label(lang: str, key: str) -> str:
    """A label in the page's language (the key itself for an unknown key)."""
    return tr(lang, LABELS[key]) if key in LABELS else key


def late_mark(lang: str, days: int, counts_as: str = "counted") -> str:
    """An event recorded late: "ghi nhận muộn 46 ngày", with how the rules count it if beyond their limit."""
    mark = label(lang, "late_mark").format(days=format_number(days, lang))
    return f"{mark} ({label(lang, f'late_{counts_as}')})" if counts_as != "counted" else mark


def late_summary(lang: str, evidence: dict[str, Any]) -> str:
    """An indicator's evidence recorded late, in one line ("" when none was)."""
    count, late = int(evidence.get("late_count") or 0), evidence.get("late") or []
    if not count:
        return ""
    days = int(evidence.get("late_longest_days") or 0)
    text = label(lang, "late_summary").format(
        count=format_number(count, lang), days=format_number(days, lang)
    )
    beyond = sorted({str(m["counts_as"]) for m in late} - {"counted"})
    return "; ".join([text, *(label(lang, f"late_{c}") for c in beyond)])


def fold(text: str) -> str:
    """Lower case without diacritics ("Phước Long" → "phuoc long"), so a search works typed either way."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def format_share(part: int, whole: int, lang: str = "vi") -> str:
    """part of whole as a percentage with one decimal ("–" when there is no whole)."""
    return format_percent(part / whole, lang, 1) if whole else "–"


EVIDENCE_KINDS: dict[str, str] = {
    "meeting": N_("Branch meeting"),
    "roster_reviewed": N_("Roster review"),
    "member_joined": N_("Member admission"),
    "member_rated": N_("Member rating"),
    "youth_recruited": N_("Youth brought in (1+1)"),
    "party_referral": N_("Party referral"),
    "party_admission": N_("Party admission"),
}


def indicator_name(lang: str, indicator_id: str, given: str) -> str:
    """The indicator's name in the page's language (the rules' own name where the catalogs do not know it)."""
    return tr(lang, given)


def evidence_kind(lang: str, kind: str) -> str:
    return tr(lang, EVIDENCE_KINDS[kind]) if kind in EVIDENCE_KINDS else kind


def said(message: Mapping[str, Any] | None, fallback: str, lang: str) -> str:
    """A text from an answer in the reader's language: its message where it has one, else the text given."""
    return Message.model_validate(message).render(lang) if message else fallback
