"""The text of alerts and e-mails (nội dung thông báo), from the catalogs in shared/i18n: Vietnamese by
default, English second; one sentence per fact.

A union's change (see :mod:`services.notifications.domain.alerts`) says each of its parts: the
overall status and each criterion that moved, each indicator now at risk, then what is missing and
the evidence recorded late behind it, once each. Units are named, never shown by their ids (those
stay in the link). A year is written as a year (``str``), never as a number with a thousands mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.contracts.notifications import AlertKind
from shared.i18n import DEFAULT_LANGUAGE, N_, ntr, tr
from shared.i18n import Message as Text

TAG = "[3 chủ động]"  # the model's name, in every language: officers filter their mail on it

CRITERIA = {
    0: N_("“Đoàn cơ sở 3 chủ động” (all three criteria)"),
    1: N_("Criterion 1 – Managing members, caring for and knowing the youth"),
    2: N_("Criterion 2 – Building and carrying out the work plan"),
    3: N_("Criterion 3 – Advising the Party committee, coordinating with related organisations"),
}
STATUSES = {
    "pass": N_("passing"),
    "at_risk": N_("at risk of failing"),
    "fail": N_("failing"),
    "not_assessed": N_("not assessed"),
}
KIND_TITLES = {
    AlertKind.COMPLIANCE_CHANGED: N_("Compliance changed"),
    AlertKind.INDICATOR_AT_RISK: N_("Indicator at risk"),
    AlertKind.DEADLINE_APPROACHING: N_("Deadline approaching"),
    AlertKind.DEADLINE_PASSED: N_("Deadline passed"),
    AlertKind.RECOGNITION_AWAITING_DECISION: N_("Awaiting appraisal and a recognition decision"),
    AlertKind.DEAD_LETTER: N_("Event that could not be processed"),
}
# How the rules count evidence recorded beyond an indicator's lateness limit (the dashboard's words).
LATE_COUNTS_AS = {
    "at_risk": N_("beyond the recording limit: counts only as at risk"),
    "not_counted": N_("beyond the recording limit: not counted"),
}
LATE_SHOWN = 5  # late evidence listed in an alert; the link shows the rest


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    body: str


def _criterion(lang: str, number: int) -> str:
    if number in CRITERIA:
        return tr(lang, CRITERIA[number])
    return tr(lang, "Criterion {number}", number=str(number))


def _status(lang: str, value: object) -> str:
    return tr(lang, STATUSES[str(value)]) if str(value) in STATUSES else str(value)


def _greeting(lang: str) -> str:
    return tr(lang, "Dear comrade,") + "\n\n"


def _follow(lang: str, link: str) -> str:
    return "\n" + tr(lang, "See the explanation and the evidence: {link}", link=link) + "\n"


def late_mark(days: int, lang: str = DEFAULT_LANGUAGE) -> str:
    return tr(lang, "recorded {days} days late", days=days)


def _late_block(lang: str, late: Sequence[dict[str, Any]], names: Mapping[str, str]) -> str:
    """The evidence behind the verdict that was recorded late, one line each (the latest recorded first)."""
    if not late:
        return ""
    lines = []
    for m in late[:LATE_SHOWN]:
        counts = str(m.get("counts_as"))
        mark = late_mark(int(m["days_late"]), lang)
        if counts in LATE_COUNTS_AS:
            mark += ", " + tr(lang, LATE_COUNTS_AS[counts])
        where = names.get(str(m["unit_id"]), str(m["unit_id"]))
        line = tr(
            lang,
            "{indicator} – {unit}, on {day}: {mark}",
            indicator=m["indicator_id"],
            unit=where,
            day=m["occurred_on"],
            mark=mark,
        )
        lines.append(f"  • {line}\n")
    more = (
        "  " + tr(lang, "… and other evidence (see the link below)") + "\n" if len(late) > LATE_SHOWN else ""
    )
    return tr(lang, "Evidence recorded late:") + "\n" + "".join(lines) + more


def _said(lang: str, item: str | Mapping[str, Any]) -> str:
    """A missing item: a message rendered in ``lang``, or an older alert's text as it was stored."""
    return Text.model_validate(item).render(lang) if isinstance(item, Mapping) else tr(lang, item)


def _missing_block(lang: str, missing: Sequence[str | Mapping[str, Any]]) -> str:
    if not missing:
        return ""
    return tr(lang, "Missing:") + "\n" + "".join(f"  • {_said(lang, item)}\n" for item in missing)


def _unit_line(lang: str, unit_names: Sequence[str]) -> str:
    return tr(lang, "Unit: {units}", units=" – ".join(unit_names)) + "\n" if unit_names else ""


def _changes(kind: AlertKind, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """A change's parts, in the order an officer reads them: the overall status, each criterion, each
    indicator. Facts of one part alone (as the release before changes were gathered kept them) are
    read as a change of that one part."""
    changes = facts.get("changes")
    if changes is None:
        if kind not in (AlertKind.COMPLIANCE_CHANGED, AlertKind.INDICATOR_AT_RISK):
            return []
        changes = [{**facts, "kind": kind.value}]
    order = {AlertKind.COMPLIANCE_CHANGED.value: 0, AlertKind.INDICATOR_AT_RISK.value: 1}
    return sorted(changes, key=lambda c: (order[c["kind"]], c.get("criterion", 0), c.get("indicator_id", "")))


def _change_line(lang: str, change: dict[str, Any], year: str) -> str:
    criterion = _criterion(lang, int(change["criterion"]))
    if change["kind"] == AlertKind.COMPLIANCE_CHANGED:
        text = tr(
            lang,
            "{criterion} for {year} moved from «{old}» to «{new}».",
            criterion=criterion,
            year=year,
            old=_status(lang, change["old_status"]),
            new=_status(lang, change["new_status"]),
        )
    else:
        text = tr(
            lang,
            "Indicator {indicator} ({criterion}) for {period} will fail unless something is recorded by the "
            "end of {closes_on}.",
            indicator=change["indicator_id"],
            criterion=criterion,
            period=str(change["period"]),
            closes_on=change["closes_on"],
        )
    return text + "\n"


def _change_subject(lang: str, first: dict[str, Any], unit: str, others: int) -> str:
    if first["kind"] == AlertKind.COMPLIANCE_CHANGED:
        number = int(first["criterion"])
        criterion = (
            tr(lang, "“3 chủ động”") if number == 0 else tr(lang, "criterion {number}", number=str(number))
        )
        subject = tr(
            lang,
            "{unit}: {criterion} {status}",
            unit=unit,
            criterion=criterion,
            status=_status(lang, first["new_status"]),
        )
    else:
        subject = tr(
            lang,
            "{unit}: indicator {indicator} at risk of failing",
            unit=unit,
            indicator=first["indicator_id"],
        )
    if others:
        subject += ntr(lang, " (and {n} other change)", " (and {n} other changes)", others)
    return f"{TAG} {subject}"


def deadline_title(lang: str, facts: dict[str, Any]) -> str:
    """The deadline's title: a default one in the reader's language, a province's own as it wrote it."""
    title = facts.get("deadline_title")
    if title:
        return tr(lang, str(title))
    return tr(
        lang,
        "Record the evidence for indicator {indicator} for {period}",
        indicator=facts.get("indicator_id", ""),
        period=str(facts.get("period", "")),
    )


def _other(lang: str, kind: AlertKind, facts: dict[str, Any], unit: str) -> tuple[str, str]:
    """The subject and the sentence of a deadline's reminder or a self-assessment awaiting its decision."""
    year = str(facts.get("year", ""))
    if kind is AlertKind.RECOGNITION_AWAITING_DECISION:
        subject = tr(
            lang, "{unit} submitted its self-assessment for {year} – awaiting appraisal", unit=unit, year=year
        )
        line = tr(
            lang,
            "The unit submitted its self-assessment for {year} on {day}; please appraise each criterion and "
            "decide on its recognition.",
            year=year,
            day=facts.get("submitted_on", ""),
        )
        return subject, line
    title, due = deadline_title(lang, facts), facts.get("due_on", "")
    if kind is AlertKind.DEADLINE_PASSED:
        days = int(facts.get("days_late", 0))
        subject = ntr(
            lang,
            "{unit}: {n} day overdue – {title}",
            "{unit}: {n} days overdue – {title}",
            days,
            unit=unit,
            title=title,
        )
        line = ntr(
            lang,
            "The deadline “{title}” for {year} was {due}: {n} day overdue and nothing recorded.",
            "The deadline “{title}” for {year} was {due}: {n} days overdue and nothing recorded.",
            days,
            title=title,
            year=year,
            due=due,
        )
        return subject, line
    days = int(facts.get("days_left", 0))
    subject = ntr(
        lang,
        "{unit}: {n} day left – {title}",
        "{unit}: {n} days left – {title}",
        days,
        unit=unit,
        title=title,
    )
    line = ntr(
        lang,
        "The deadline “{title}” for {year} is {due} ({n} day left).",
        "The deadline “{title}” for {year} is {due} ({n} days left).",
        days,
        title=title,
        year=year,
        due=due,
    )
    return subject, line


def _dead_letter(lang: str, facts: dict[str, Any], link: str) -> Message:
    subject = tr(lang, "{consumer} could not process an event", consumer=facts.get("consumer", ""))
    body = tr(
        lang,
        "The consumer {consumer} could not process the event {subject} (sequence {sequence}) after {deliveries} "
        "deliveries.\nError: {error}\n\nSee and replay it: {link}",
        consumer=facts.get("consumer", ""),
        subject=facts.get("original_subject", ""),
        sequence=str(facts.get("original_sequence", "")),
        deliveries=str(facts.get("deliveries", "")),
        error=facts.get("error", ""),
        link=link,
    )
    tag = tr(lang, "[chudong operations]")
    return Message(f"{tag} {subject}", body + "\n")


def render(
    kind: AlertKind,
    facts: dict[str, Any],
    unit_names: Sequence[str],
    link: str,
    names: Mapping[str, str] | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> Message:
    """The message of one alert in ``lang``; ``unit_names`` are the unit's and its ancestors', the unit
    first; ``names`` the names of other units it cites (branches of late evidence), by id."""
    if kind is AlertKind.DEAD_LETTER:
        return _dead_letter(lang, facts, link)
    names = names or {}
    unit = unit_names[0] if unit_names else str(facts.get("unit_id", ""))
    changes = _changes(kind, facts)
    if changes:
        subject = _change_subject(lang, changes[0], unit, len(changes) - 1)
        lines = "".join(_change_line(lang, c, str(facts.get("year", ""))) for c in changes)
    else:
        text, line = _other(lang, kind, facts, unit)
        subject, lines = f"{TAG} {text}", line + "\n"
    blocks = _missing_block(lang, facts.get("missing") or []) + _late_block(
        lang, facts.get("late") or [], names
    )
    body = _greeting(lang) + _unit_line(lang, unit_names) + lines + blocks + _follow(lang, link)
    return Message(subject, body)


def render_digest(
    day: str, items: Sequence[tuple[AlertKind, str, str]], lang: str = DEFAULT_LANGUAGE
) -> Message:
    """One message gathering a day's alerts (bản tin tổng hợp): (kind, subject, link) per alert."""
    count = len(items)
    heading = ntr(lang, "{n} alert up to {day}:", "{n} alerts up to {day}:", count, day=day)
    lines = [_greeting(lang) + heading + "\n"]
    for number, (kind, subject, link) in enumerate(items, 1):
        lines.append(f"{number}. [{tr(lang, KIND_TITLES[kind])}] {subject}\n   {link}\n")
    subject = ntr(lang, "Digest of {n} alert, {day}", "Digest of {n} alerts, {day}", count, day=day)
    return Message(f"{TAG} {subject}", "".join(lines))
