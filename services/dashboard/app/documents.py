"""The overview and a union's explanation as documents (sheets of rows), with the page's figures."""

from __future__ import annotations

from typing import Any

from services.dashboard.adapters.export import Document, Sheet
from services.dashboard.app import views
from services.dashboard.app.officer import today
from services.dashboard.domain.text import (
    evidence_kind,
    format_date,
    indicator_name,
    label,
    late_mark,
    late_summary,
)

LATE_LISTED = 10  # late events listed per indicator in an export; the drill-down lists them all


def overview_document(data: views.Overview, lang: str) -> Document:
    def t(key: str) -> str:
        return label(lang, key)

    day = format_date(data.as_of or today(), lang)
    lines = (
        f"{t('as_of')}: {day}",
        f"{t('recognised_registered_total')}: {data.recognised}/{data.registered}/{data.total}",
        " · ".join(f"{t(s)}: {n}" for s, n in data.status.items()),
    )
    unions = Sheet(
        title=f"{data.unit.name} – {t('unions')}",
        lines=lines,
        headers=(t("union"), t("district"), t("c1"), t("c2"), t("c3"), t("overall"), t("stage")),
        rows=[
            (r.name, r.district_name, t(r.c1), t(r.c2), t(r.c3), t(r.status), t(r.stage) if r.stage else "")
            for r in data.shown
        ],
        widths=(4, 3, 1.3, 1.3, 1.3, 1.5, 1.7),
    )
    districts = Sheet(
        title=f"{data.unit.name} – {t('district')}",
        lines=(f"{t('as_of')}: {day}",),
        headers=(t("district"), t("total"), t("pass"), t("at_risk"), t("fail"), t("not_assessed")),
        rows=[
            (
                d.name or data.unit.name,
                str(d.total),
                *(str(d.status[s]) for s in ("pass", "at_risk", "fail", "not_assessed")),
            )
            for d in data.districts
        ],
        widths=(4, 1, 1, 1, 1, 1),
    )
    return Document(f"{data.unit.name} – {day}", [unions, districts])


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


def union_document(union: views.UnionPage, lang: str) -> Document:
    def t(key: str) -> str:
        return label(lang, key)

    c = union.compliance
    day = format_date(c["as_of"], lang)
    rows: list[tuple[str, ...]] = []
    for criterion in c["criteria"]:
        rows.append(
            (
                f"{t('criterion')} {criterion['criterion']}",
                criterion["name"],
                t(criterion["status"]),
                criterion["explanation"],
                "",
                "",
            )
        )
        for i in criterion["indicators"]:
            missing = "\n".join(m["description"] for m in i["missing"])
            core = f" ({t('core')})" if i["core"] else ""
            name = indicator_name(lang, i["indicator_id"], i["name"])
            late = late_lines(i["evidence"], lang)
            rows.append((i["indicator_id"] + core, name, t(i["status"]), i["explanation"], missing, late))
    sheet = Sheet(
        title=f"{union.unit.name} – {t('explanation')}",
        lines=(f"{t('as_of')}: {day} · {t('year')}: {c['year']}", f"{t('overall')}: {t(c['status'])}"),
        headers=(t("indicator"), t("name"), t("status"), t("explanation"), t("missing"), t("late")),
        rows=rows,
        widths=(1.4, 3, 1.3, 4.5, 3.5, 3.5),
    )
    return Document(f"{union.unit.name} – {day}", [sheet])
