"""``chudong evidence verify``: check every evidence file planning keeps against the hash its event recorded."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from services.planning.adapters.evidence_files import EvidenceFiles
from services.planning.adapters.read_models import attachments
from services.planning.domain.evidence import Verification
from services.planning.settings import PlanningSettings
from shared.settings import CommonSettings, service_settings
from shared.store import Database

evidence = typer.Typer(help="Evidence files kept by planning (biên bản, quyết định).", no_args_is_help=True)


async def _verify(
    database_url: str, files: EvidenceFiles, unit: str | None
) -> list[tuple[str, str, Verification]]:
    db = Database(database_url)
    try:
        query = select(
            attachments.c.attachment_id, attachments.c.unit_id, attachments.c.file_name, attachments.c.sha256
        )
        if unit is not None:
            query = query.where(attachments.c.unit_id == unit)
        async with db.read() as conn:
            rows = (await conn.execute(query.order_by(attachments.c.recorded_at))).all()
    finally:
        await db.dispose()
    results = []
    for row in rows:
        found = files.digest(row.attachment_id)
        check = Verification(
            row.attachment_id, row.sha256, found[0] if found else None, found[1] if found else None
        )
        results.append((str(row.unit_id), str(row.file_name), check))
    return results


@evidence.command()
def verify(
    unit: Annotated[str | None, typer.Option(help="only the files of this unit")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="chudong's data directory")] = None,
) -> None:
    """Recompute each file's SHA-256; exit 1 if any file was changed or is missing."""
    common = CommonSettings() if data_dir is None else CommonSettings(data_dir=data_dir)
    settings = PlanningSettings()
    files = EvidenceFiles(settings.evidence_dir or common.data_dir / "evidence")
    url = service_settings("planning").resolved_database_url(common)
    results = asyncio.run(_verify(url, files, unit))
    table = Table(title=f"evidence files: {len(results)}")
    for column in ("attachment", "unit", "file", "state"):
        table.add_column(column)
    for unit_id, file_name, check in results:
        if check.state != "intact":
            table.add_row(check.attachment_id, unit_id, file_name, f"[red]{check.state}[/red]")
    bad = [check for _, _, check in results if check.state != "intact"]
    console = Console()
    if bad:
        console.print(table)
    console.print(f"{len(results) - len(bad)} intact, {len(bad)} changed or missing")
    raise typer.Exit(1 if bad else 0)


def register(app: typer.Typer) -> None:
    app.add_typer(evidence, name="evidence")
