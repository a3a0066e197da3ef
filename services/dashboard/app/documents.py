"""The overview and a union's explanation as documents (sheets of rows), with the page's figures.

Every header and value is in the officer's language; ids stay in their own columns, days are dates and
counts are numbers, so a sheet can be filtered, sorted and summed as it is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.dashboard.adapters.export import Document, Issued, Sheet, Value
from services.dashboard.app import views
from services.dashboard.app.officer import today
from services.dashboard.domain.figures import (
    FIGURES,
    census_categories,
    census_label,
    figure_label,
    outcome_label,
    reasons_text,
    target_label,
)
from services.dashboard.domain.text import (
    evidence_kind,
    format_date,
    indicator_name,
    label,
    late_mark,
    late_summary,
    said,
)
from shared.i18n import tr

LATE_LISTED = 10  # late events listed per indicator in an export; the drill-down lists them all


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def overview_document(data: views.Overview, lang: str, issued: Issued | None = None) -> Document:
    def t(key: str) -> str:
        return label(lang, key)

    day = format_date(data.as_of or today(), lang)
    lines = (
        f"{t('as_of')}: {day}",
        f"{t('recognised_registered_total')}: {data.recognised}/{data.registered}/{data.total}",
        " · ".join(f"{t(s)}: {n}" for s, n in data.status.items()),
    )
    unit_id = tr(lang, "Unit id")
    unions = Sheet(
        title=f"{data.unit.name} – {t('unions')}",
        lines=lines,
        headers=(
            unit_id,
            t("union"),
            t("district"),
            t("c1"),
            t("c2"),
            t("c3"),
            t("overall"),
            tr(lang, "Reasons (failing and at-risk indicators)"),
            t("stage"),
            tr(lang, "Evaluated on"),
        ),
        rows=[
            (
                r.unit_id,
                r.name,
                r.district_name,
                t(r.c1),
                t(r.c2),
                t(r.c3),
                t(r.status),
                reasons_text(lang, r.reasons),
                t(r.stage) if r.stage else "",
                r.evaluated_on or data.as_of,
            )
            for r in data.shown
        ],
        widths=(1.6, 4, 3, 1.2, 1.2, 1.2, 1.4, 6, 1.7, 1.5),
    )
    districts = Sheet(
        title=f"{data.unit.name} – {t('district')}",
        lines=(f"{t('as_of')}: {day}",),
        headers=(
            unit_id,
            t("district"),
            t("total"),
            *(t(s) for s in ("pass", "at_risk", "fail", "not_assessed")),
        ),
        rows=[
            (
                d.unit_id or data.unit.unit_id,
                d.name or data.unit.name,
                d.total,
                *(d.status[s] for s in ("pass", "at_risk", "fail", "not_assessed")),
            )
            for d in data.districts
        ],
        widths=(1.5, 4, 1, 1, 1, 1, 1),
    )
    sheets = [unions, districts]
    if data.levels:
        sheets.append(figures_sheet(data, lang))
    return Document(f"{data.unit.name} – {day}", sheets, lang, issued)


def figures_sheet(data: views.Overview, lang: str) -> Sheet:
    """Party referrals and admissions, admissions, "1+1" and the youth census: the area, then each unit
    directly below it (evaluation's ``/figures``)."""
    levels = data.levels
    areas: list[dict[str, Any]] = [
        {"unit_id": data.unit.unit_id, "name": data.unit.name, **levels},
        *levels.get("below", []),
    ]
    categories = census_categories(a["census"] for a in areas)
    what = tr(lang, "Figures")
    return Sheet(
        title=f"{data.unit.name} – {what}",
        lines=(
            tr(
                lang,
                "Year {year}: the first row is the whole area, then each unit directly below",
                year=str(data.year),
            ),
            tr(lang, "Census: each unit's latest census of the year; a unit's own stands for its whole area"),
        ),
        headers=(
            tr(lang, "Unit id"),
            tr(lang, "Unit"),
            *(figure_label(lang, key) for key in FIGURES),
            tr(lang, "Units with a census"),
            tr(lang, "Census date"),
            *(census_label(lang, c) for c in categories),
        ),
        rows=[
            (
                a["unit_id"],
                a["name"],
                *(int(a["figures"].get(key, 0)) for key in FIGURES),
                int(a["census"]["units"]),
                _day(a["census"].get("as_of")),
                *(_count(a["census"]["counts"].get(c)) for c in categories),
            )
            for a in areas
        ],
        widths=(1.6, 4, *(1.4 for _ in FIGURES), 1.3, 1.4, *(1.3 for _ in categories)),
    )


def _count(value: Any) -> Value:
    return int(value) if value is not None else None


def late_lines(evidence: dict[str, Any], lang: str) -> str:
    """An indicator's evidence recorded late: the summary, then one line per event (the first few)."""
    summary = late_summary(lang, evidence)
    if not summary:
        return ""
    listed = evidence.get("late") or []
    lines = [
        f"{format_date(m['occurred_on'], lang)} · {evidence_kind(lang, m['kind'])} · {m['unit_id']}: "
        f"{late_mark(lang, int(m['days_late']), str(m['counts_as']))}"
        for m in listed[:LATE_LISTED]
    ]
    more = int(evidence.get("late_count") or 0) - len(lines)
    return "\n".join([summary, *lines, *([f"… +{more}"] if more > 0 else [])])


def union_document(
    union: views.UnionPage,
    lang: str,
    issued: Issued | None = None,
    proposals: list[dict[str, Any]] | None = None,
) -> Document:
    def t(key: str) -> str:
        return label(lang, key)

    c = union.compliance
    day = format_date(c["as_of"], lang)
    rows: list[tuple[Value, ...]] = []
    for criterion in c["criteria"]:
        rows.append(
            (
                f"{t('criterion')} {criterion['criterion']}",
                criterion["name"],
                t(criterion["status"]),
                said(criterion.get("explanation_message"), criterion["explanation"], lang),
                "",
                "",
            )
        )
        for i in criterion["indicators"]:
            missing = "\n".join(said(m.get("message"), m["description"], lang) for m in i["missing"])
            core = f" ({t('core')})" if i["core"] else ""
            name = indicator_name(lang, i["indicator_id"], i["name"])
            late = late_lines(i["evidence"], lang)
            explained = said(i.get("explanation_message"), i["explanation"], lang)
            rows.append((i["indicator_id"] + core, name, t(i["status"]), explained, missing, late))
    sheet = Sheet(
        title=f"{union.unit.name} – {t('explanation')}",
        lines=(f"{t('as_of')}: {day} · {t('year')}: {c['year']}", f"{t('overall')}: {t(c['status'])}"),
        headers=(t("indicator"), t("name"), t("status"), t("explanation"), t("missing"), t("late")),
        rows=rows,
        widths=(1.4, 3, 1.3, 4.5, 3.5, 3.5),
    )
    sheets = [sheet]
    if proposals:
        sheets.append(proposals_sheet(union, lang, proposals))
    return Document(f"{union.unit.name} – {day}", sheets, lang, issued)


def proposals_sheet(union: views.UnionPage, lang: str, proposals: list[dict[str, Any]]) -> Sheet:
    """The union's advisory proposals of the year: subject, to whom, and the result with its note."""
    what = tr(lang, "Advisory proposals")
    return Sheet(
        title=f"{union.unit.name} – {what}",
        lines=(f"{label(lang, 'year')}: {union.compliance['year']}",),
        headers=(
            tr(lang, "Submitted on"),
            tr(lang, "Submitted to"),
            tr(lang, "Subject"),
            tr(lang, "Result"),
            tr(lang, "Result recorded on"),
            tr(lang, "Note"),
            tr(lang, "Proposal id"),
        ),
        rows=[
            (
                _day(p["submitted_on"]),
                target_label(lang, p.get("submitted_to")),
                p["subject"],
                outcome_label(lang, p.get("outcome")) if p.get("outcome") else tr(lang, "no result yet"),
                _day(p.get("outcome_on")),
                p.get("note") or "",
                p["proposal_id"],
            )
            for p in proposals
        ],
        widths=(1.4, 1.8, 5, 1.6, 1.4, 4, 1.6),
    )
