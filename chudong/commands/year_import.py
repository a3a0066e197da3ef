"""``chudong import``: bring a year in from the year workbook, through membership's year import (ADR 0019).

The workbook (and a mapping file, for a sheet of another format) goes to membership, which checks it whole
and answers every error by sheet, row and column, or sends its steps to the services with the token given
here; this command follows the progress with a bar. ``--template`` and ``--example`` write the empty
template and an example workbook without a running system.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from chudong.context import read_running
from chudong.year_example import example_rows
from services.membership.adapters.spreadsheet import XLSX
from services.membership.adapters.year_workbook import write_workbook
from shared.auth import Role, mint_token
from shared.settings import CommonSettings

console = Console(stderr=True)


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_(
        workbook: Annotated[
            Path | None, typer.Argument(help="the year workbook (xlsx)", show_default=False)
        ] = None,
        unit: Annotated[
            str | None,
            typer.Option(help="the unit the year is for: everything the workbook names is at or below it"),
        ] = None,
        mapping: Annotated[
            Path | None, typer.Option(help="a mapping file, for a sheet of another format (docs/import.md)")
        ] = None,
        dry_run: Annotated[bool, typer.Option(help="check the workbook and say what would be sent")] = False,
        template: Annotated[
            Path | None,
            typer.Option(help="write the empty template here, and nothing else", show_default=False),
        ] = None,
        example: Annotated[
            Path | None,
            typer.Option(help="write an example workbook (a union's year) here, and nothing else"),
        ] = None,
        year: Annotated[
            int | None, typer.Option(help="the example's year (default: last year)", min=2000, max=2100)
        ] = None,
        token: Annotated[
            str | None,
            typer.Option(
                envvar="CHUDONG_TOKEN", help="your token (default: the central admin's, minted here)"
            ),
        ] = None,
        url: Annotated[
            str | None, typer.Option(help="membership's base URL (default: that of `chudong run` here)")
        ] = None,
    ) -> None:
        """Bring a year in: every row of WORKBOOK checked first (nothing is written if one is wrong), then
        recorded through the services' commands with a progress bar. Importing it again writes nothing more."""
        if template is not None or example is not None:
            _write(template, example, year)
            return
        if workbook is None or unit is None:
            raise typer.BadParameter("give the workbook and --unit (or --template / --example)")
        common = CommonSettings()
        bearer = token or _admin_token(common)
        with httpx.Client(base_url=_membership(common, url), headers={"Authorization": f"Bearer {bearer}"},
                          timeout=600) as client:  # fmt: skip
            answer = _post(client, unit, workbook, mapping, dry_run)
            if answer.status_code == 422 and answer.json().get("error") == "import_rejected":
                _errors(answer.json())
                raise typer.Exit(1)
            if answer.status_code not in (200, 202):
                typer.echo(f"membership answered {answer.status_code}: {answer.text}", err=True)
                raise typer.Exit(1)
            body = answer.json()
            _plan(body if dry_run else body["plan"])
            if not dry_run:
                _follow(client, body)


def _write(template: Path | None, example: Path | None, year: int | None) -> None:
    if template is not None:
        template.write_bytes(write_workbook())
        console.print(f"wrote the template to {template}")
    if example is not None:
        chosen = year or date.today().year - 1
        example.write_bytes(write_workbook(example_rows(chosen)))
        console.print(f"wrote an example workbook for {chosen} to {example}")


def _admin_token(common: CommonSettings) -> str:
    return mint_token(
        common.resolved_jwt_secret(),
        subject="chudong-import",
        role=Role.ADMIN,
        unit_id="vn",
        name="chudong import",
        issuer=common.token_issuer,
        lifetime=timedelta(hours=12),
    )


def _membership(common: CommonSettings, url: str | None) -> str:
    if url is not None:
        return url
    running = read_running(common)
    if running is None or "membership" not in running.services:
        typer.echo("membership is not running here (start it with `chudong run`); pass --url", err=True)
        raise typer.Exit(2)
    return running.services["membership"]


def _post(
    client: httpx.Client, unit: str, workbook: Path, mapping: Path | None, dry_run: bool
) -> httpx.Response:
    files: dict[str, Any] = {"workbook": (workbook.name, workbook.read_bytes(), XLSX)}
    if mapping is not None:
        files["mapping"] = (mapping.name, mapping.read_bytes(), "application/yaml")
    with console.status(f"checking {workbook.name}…"):
        try:
            return client.post(f"/units/{unit}/year-imports", files=files, params={"dry_run": dry_run})
        except httpx.HTTPError as exc:
            typer.echo(f"membership did not answer: {exc}", err=True)
            raise typer.Exit(1) from exc


def _errors(body: dict[str, Any]) -> None:
    table = Table(title=body.get("message", "the workbook has errors"), show_lines=False)
    for name in ("sheet", "row", "column", "field", "value", "message", "accepted"):
        table.add_column(name, overflow="fold")
    for error in body.get("detail", []):
        table.add_row(*(str(error.get(k) if error.get(k) is not None else "") for k in
                        ("sheet", "row", "column", "field", "value", "message", "accepted")))  # fmt: skip
    console.print(table)
    if body.get("more"):
        console.print(f"… and {body['more']} more")
    console.print("nothing was imported: correct the workbook and import it again")


def _plan(summary: dict[str, Any]) -> None:
    table = Table(title=f"{summary['rows']} rows, {summary['steps']} commands to send")
    for name in ("sheet", "rows", "commands", "already recorded"):
        table.add_column(name)
    for sheet in summary["sheets"]:
        table.add_row(sheet["sheet"], str(sheet["rows"]), str(sheet["steps"]), str(sheet["already_recorded"]))
    console.print(table)


def _follow(client: httpx.Client, job: dict[str, Any]) -> None:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("sending", total=job["total"])
        while job["status"] == "sending":
            time.sleep(0.5)
            job = client.get(f"/year-imports/{job['job_id']}").json()
            where = job.get("current") or {}
            progress.update(task, completed=job["done"],
                            description=f"{where.get('sheet', '')} row {where.get('row', '')}".strip())  # fmt: skip
        progress.update(task, completed=job["done"], description=job["status"])
    console.print(
        f"{job['recorded']} recorded, {job['replayed']} already sent before (answered from their keys), "
        f"{job['already_recorded']} found already recorded"
    )
    if job["status"] != "done":
        error = job.get("error") or {}
        console.print(
            f"[red]stopped[/red] at sheet {error.get('sheet')!r} row {error.get('row')} column "
            f"{error.get('column')} ({error.get('field')}): {error.get('message')} — accepted: {error.get('accepted')}",
            markup=True,
        )
        console.print(
            "what was recorded stays; correct that row and import the workbook again to send the rest"
        )
        raise typer.Exit(1)
