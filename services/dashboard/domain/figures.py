"""The roll-up's figures and census categories, why a union fails, and what an advisory proposal became,
in the reader's language (số liệu, lý do, kết quả tham mưu)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.i18n import N_, tr

FIGURES: dict[str, str] = {
    "party_referrals": N_("Introduced to the Party"),
    "party_admitted": N_("Admitted to the Party"),
    "members_admitted": N_("Members admitted"),
    "youth_recruited_1plus1": N_("Young people brought in (1+1)"),
}
"""The figures an officer reads in a roll-up, in their order, with their labels."""

CENSUS: dict[str, str] = {
    "total": N_("Young people (census)"),
    "health_insurance": N_("With health insurance"),
    "ethnic_minority": N_("Ethnic minority"),
    "religious": N_("Religious"),
    "hardship": N_("In hardship"),
    "unemployed": N_("Without work"),
}
"""Census categories the catalogs know, in their order; a unit's own categories are shown as written."""

STATUS_WORDS: dict[str, str] = {"fail": N_("Fail"), "at_risk": N_("At risk")}

ADVISORY_TARGETS: dict[str, str] = {
    "party_committee": N_("the Party committee"),
    "government": N_("the government"),
}
ADVISORY_OUTCOMES: dict[str, str] = {
    "adopted": N_("adopted"),
    "partly_adopted": N_("partly adopted"),
    "not_adopted": N_("not adopted"),
}


def figure_label(lang: str, key: str) -> str:
    return tr(lang, FIGURES[key]) if key in FIGURES else key


def census_label(lang: str, category: str) -> str:
    return tr(lang, CENSUS[category]) if category in CENSUS else category


def census_categories(censuses: Iterable[Mapping[str, Any]]) -> list[str]:
    """The categories counted in any of ``censuses`` (each ``{"counts": …}``): known ones first."""
    found = {category for census in censuses for category in (census.get("counts") or {})}
    return [c for c in CENSUS if c in found] + sorted(found - set(CENSUS))


def reasons_text(lang: str, reasons: Iterable[Mapping[str, Any]]) -> str:
    """Why a union does not pass, one indicator a line: "Không đạt: C2.2 Mọi chi đoàn sinh hoạt …"."""
    return "\n".join(
        tr(
            lang,
            "{status}: {indicator} {name}",
            status=tr(lang, STATUS_WORDS.get(str(r["status"]), str(r["status"]))),
            indicator=str(r["indicator_id"]),
            name=tr(lang, str(r["name"])),
        )
        for r in reasons
    )


def target_label(lang: str, target: str | None) -> str:
    return tr(lang, ADVISORY_TARGETS[target]) if target in ADVISORY_TARGETS else (target or "")


def outcome_label(lang: str, outcome: str | None) -> str:
    return tr(lang, ADVISORY_OUTCOMES[outcome]) if outcome in ADVISORY_OUTCOMES else (outcome or "")


def advisory_words(lang: str, details: Mapping[str, str]) -> str:
    """A proposal or its outcome in words: its subject, to whom it went, the result and the note."""
    parts = []
    if details.get("subject"):
        parts.append(
            tr(
                lang,
                "“{subject}” (to {target})",
                subject=details["subject"],
                target=target_label(lang, details.get("submitted_to")),
            )
            if details.get("submitted_to")
            else tr(lang, "“{subject}”", subject=details["subject"])
        )
    if details.get("outcome"):
        parts.append(tr(lang, "result: {outcome}", outcome=outcome_label(lang, details["outcome"])))
    if details.get("note"):
        parts.append(tr(lang, "note: {note}", note=details["note"]))
    return " · ".join(parts)
