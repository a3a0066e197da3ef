"""Writing replayed compliance as a table, JSON or a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path

from rich.console import Console
from rich.table import Table

from services.evaluation.domain.results import UnitCompliance
from shared.contracts.evaluation import LateCounting, LateEvidence
from shared.tables import add_sheet, append_row

STATUSES = ("pass", "at_risk", "fail", "not_assessed")


def as_json(results: list[UnitCompliance]) -> str:
    return json.dumps([r.model_dump(mode="json") for r in results], ensure_ascii=False, indent=2) + "\n"


def _summary_row(r: UnitCompliance, names: Mapping[str, str]) -> list[str]:
    indicators = [i for c in r.criteria for i in c.indicators]
    return [
        r.unit_id,
        names.get(r.unit_id, ""),
        str(r.year),
        r.as_of.isoformat(),
        r.basis,
        *(r.criterion_status(c).value for c in (1, 2, 3)),
        r.status.value,
        ", ".join(i.indicator_id for i in indicators if i.status.value == "at_risk"),
        ", ".join(i.indicator_id for i in indicators if i.status.value == "fail"),
    ]


SUMMARY_COLUMNS = (
    "unit",
    "name",
    "year",
    "as of",
    "basis",
    "C1",
    "C2",
    "C3",
    "3 chủ động",
    "at risk",
    "failing",
)


def as_table(results: list[UnitCompliance], names: Mapping[str, str] | None = None) -> str:
    """The unions as a table (:func:`plain_table`), with their counts by status."""
    table = Table(title=f"Compliance of {len(results)} grassroots unions", title_justify="left")
    for column in SUMMARY_COLUMNS:
        table.add_column(column, no_wrap=True)
    for r in results:
        table.add_row(*_summary_row(r, names or {}))
    counts = {s: sum(1 for r in results if r.status.value == s) for s in STATUSES}
    return plain_table(table) + "  ".join(f"{s}: {n}" for s, n in counts.items()) + "\n"


def plain_table(table: Table) -> str:
    """``table`` at its natural width, without colours: the same text on a terminal and in a file (a
    console would fit it to its width, 80 columns when redirected, cutting or folding cells)."""
    out = io.StringIO()
    Console(file=out, width=100_000, color_system=None, highlight=False, soft_wrap=True).print(table)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


def as_csv(results: list[UnitCompliance], names: Mapping[str, str] | None = None) -> str:
    """One row per union, for machines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.replace(" ", "_") for c in SUMMARY_COLUMNS])
    for r in results:
        writer.writerow(_summary_row(r, names or {}))
    return out.getvalue()


def _late(late: LateEvidence) -> str:
    counts = "" if late.counts_as is LateCounting.COUNTED else f" ({late.counts_as.value})"
    return f"{late.event_id}: ghi nhận muộn {late.days_late} ngày{counts}"


def as_xlsx(results: list[UnitCompliance], path: Path, names: Mapping[str, str] | None = None) -> None:
    from openpyxl import Workbook

    names = names or {}
    book = Workbook(write_only=True)
    unions = add_sheet(book, "unions")
    append_row(
        unions, ["unit", "name", "type", "year", "as of", "basis", "rules", "C1", "C2", "C3", "3 chủ động"]
    )
    indicators = add_sheet(book, "indicators")
    append_row(
        indicators,
        [
            "unit",
            "indicator",
            "criterion",
            "core",
            "status",
            "closes on",
            "explanation",
            "missing",
            "events",
            "recorded late",
            "late (ghi nhận muộn)",
        ],
    )
    for r in results:
        append_row(
            unions,
            [
                r.unit_id,
                names.get(r.unit_id, ""),
                r.unit_type,
                r.year,
                r.as_of,
                r.basis,
                r.rules_id,
                *(r.criterion_status(c).value for c in (1, 2, 3)),
                r.status.value,
            ],
        )
        for c in r.criteria:
            for i in c.indicators:
                append_row(indicators, [
                    r.unit_id, i.indicator_id, c.criterion, i.core, i.status.value, i.closes_on, i.explain("en"),
                    "; ".join(m.render("en") for m in i.missing), " ".join(i.evidence.event_ids),
                    i.evidence.late_count, "; ".join(_late(m) for m in i.evidence.late),
                ])  # fmt: skip
    book.save(path)
