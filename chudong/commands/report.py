"""``chudong audit report``: the file an auditor keeps, as PDF, xlsx and JSON."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from chudong.audit.report import build_report, operator_name
from chudong.audit.report_files import write_report
from chudong.commands.audit import (
    AsOfOption,
    DataDirOption,
    KnownAtOption,
    LangOption,
    RulesOption,
    _as_of,
    _book,
    _quiet,
    checkpoint_file,
    settings_for,
    trusted_keys,
)
from chudong.context import nats_failures_reported
from services.dashboard.settings import DashboardSettings
from shared.i18n import language

audit_app = typer.Typer(help="Reports for auditors (kiểm tra).")
console = Console(stderr=True, highlight=False)


@audit_app.command()
def report(
    unit: Annotated[str, typer.Option(help="the unit whose grassroots unions the report covers")],
    out: Annotated[Path, typer.Option(help="the directory to write the PDF, xlsx and JSON in")] = Path("."),
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    year: Annotated[
        int | None, typer.Option(help="the evaluation year (default: the one --as-of falls in)")
    ] = None,
    operator: Annotated[
        str | None, typer.Option(help="who runs the report (default: the account's name)")
    ] = None,
    against: Annotated[
        list[Path] | None,
        typer.Option("--against", help="a checkpoint file kept earlier, to verify against too"),
    ] = None,
    lang: LangOption = "vi",
    rules_dir: RulesOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Each union's verdict per criterion with its evidence counts, the run's metadata and the
    verification of the history, as PDF, xlsx and JSON, from the history alone (online or offline)."""
    _quiet()
    common = settings_for(data_dir)
    filed = [(str(path), checkpoint_file(path)) for path in against or []]
    fonts = DashboardSettings()
    with nats_failures_reported(common):
        document = asyncio.run(
            build_report(
                common,
                unit=unit,
                as_of=_as_of(as_of, known_at),
                book=_book(rules_dir),
                year=year,
                operator=operator_name(operator),
                trusted=trusted_keys(common),
                filed=filed,
                lang=language(lang),
            )
        )
    for path in write_report(document, out, language(lang), fonts.pdf_font, fonts.pdf_font_bold):
        print(path)
    console.print(f"verification of the history: {document['verification']['verdict']}")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
