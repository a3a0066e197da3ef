"""An evaluation in words, for officers and auditors (giải trình), in Vietnamese or English."""

from __future__ import annotations

from services.evaluation.domain.results import IndicatorResult, UnitCompliance
from services.evaluation.domain.wording import STATUS, named, unit_type
from shared.contracts.evaluation import LateEvidence, Status
from shared.i18n import DEFAULT_LANGUAGE, format_number, format_time, tr

INDENT = "      "


def mark(status: Status | str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A status as the explanation shows it: "ĐẠT", "KHÔNG ĐẠT" (PASS, FAIL in English)."""
    return STATUS[Status(status)].render(lang).upper()


def late_mark(late: LateEvidence, lang: str = DEFAULT_LANGUAGE) -> str:
    """One late event in words: "mt-…: ghi nhận muộn 240 ngày: sinh hoạt chi đoàn tại Chi đoàn 2 …"."""
    if late.message is not None:
        text = late.message.render(lang)
    else:
        text = tr(lang, "recorded {days} days late", days=late.days_late)
    return f"{late.event_id}: {text}"


def explain(result: UnitCompliance, *, lang: str = DEFAULT_LANGUAGE, event_ids: int = 5) -> str:
    """Each criterion and indicator with its status, numbers, events and what is missing."""
    basis = (
        tr(lang, "as the system knew it at {moment}", moment=format_time(result.known_at, lang))
        if result.known_at is not None
        else tr(lang, "as it had happened by {day}", day=result.as_of.isoformat())
    )
    name = f"{result.name} ({result.unit_id})" if result.name else result.unit_id
    lines = [
        tr(
            lang,
            "{union}, {unit_type} — year {year}, {basis}; rules {rules}",
            union=name,
            unit_type=unit_type(result.unit_type),
            year=str(result.year),
            basis=basis,
            rules=result.rules_id,
        ),
        f'"3 chủ động": {mark(result.status, lang)}',
    ]
    for criterion in result.criteria:
        lines.append("")
        lines.append(
            tr(
                lang,
                "Criterion {criterion}: {status} — {name}",
                criterion=str(criterion.criterion),
                status=mark(criterion.status, lang),
                name=named(criterion.name),
            )
        )
        lines.append(f"  {criterion.explain(lang)}")
        for i in criterion.indicators:
            lines += _indicator(i, lang, event_ids)
    return "\n".join(lines) + "\n"


def _indicator(i: IndicatorResult, lang: str, event_ids: int) -> list[str]:
    kind = tr(lang, "core") if i.core else tr(lang, "optional")
    closes = tr(lang, ", decided by {day}", day=i.closes_on.isoformat()) if i.closes_on else ""
    lines = [f"  {i.indicator_id} [{kind}] {mark(i.status, lang)} — {named(i.name).render(lang)}{closes}"]
    said = [i.explain(lang)]
    evidence = i.evidence
    if evidence.numbers:
        numbers = ", ".join(
            f"{evidence.labels[k].render(lang) if k in evidence.labels else k} = {format_number(v, lang)}"
            for k, v in evidence.numbers.items()
        )
        said.append(tr(lang, "numbers: {numbers}", numbers=numbers))
    if evidence.event_count:
        shown = ", ".join(evidence.event_ids[:event_ids])
        more = evidence.event_count - min(event_ids, len(evidence.event_ids))
        if more > 0:
            said.append(tr(lang, "events: {events} (+{more} more)", events=shown, more=more))
        else:
            said.append(tr(lang, "events: {events}", events=shown))
    for late in evidence.late[:event_ids]:
        said.append(tr(lang, "late: {mark}", mark=late_mark(late, lang)))
    if evidence.late_count > event_ids:
        said.append(tr(lang, "late: … and {more} more", more=evidence.late_count - event_ids))
    for m in i.missing[:10]:
        said.append(tr(lang, "missing: {missing}", missing=m.render(lang)))
    if len(i.missing) > 10:
        said.append(tr(lang, "missing: … and {more} more", more=len(i.missing) - 10))
    return [*lines, *(INDENT + line for line in said)]
