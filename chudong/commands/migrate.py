"""``chudong migrate [SERVICE]``: bring the services' databases to this release's schema."""

from __future__ import annotations

from typing import Annotated

import typer

from chudong.migrations import SCHEMAS, migrate_databases
from shared.migrations import Migration
from shared.migrations.revision import new_revision
from shared.settings import CommonSettings


def register(app: typer.Typer) -> None:
    @app.command()
    def migrate(
        service: Annotated[
            str | None, typer.Argument(help="one service, e.g. planning (default: every service)")
        ] = None,
        new: Annotated[
            str | None,
            typer.Option(
                "--new",
                metavar="MESSAGE",
                help="development: write SERVICE's next revision, from its tables in the code",
            ),
        ] = None,
    ) -> None:
        """Upgrade each service's database (from its own settings) to this release's schema.

        Prints, per service, from which revision to which. Stop the services first, and take a backup.
        """
        if service is not None and service not in SCHEMAS:
            typer.echo(f"unknown service {service!r}: one of {', '.join(SCHEMAS)}", err=True)
            raise typer.Exit(2)
        if new is not None:
            if service is None:
                typer.echo(
                    "--new writes a revision of one service: name it, e.g. chudong migrate planning --new '…'",
                    err=True,
                )
                raise typer.Exit(2)
            written = new_revision(SCHEMAS[service], new)
            print(
                f"wrote {written}"
                if written
                else f"{service}: its head has the code's tables, nothing to write"
            )
            return

        def show(migration: Migration) -> None:
            print(migration.describe(), flush=True)

        migrate_databases(CommonSettings(), services=[service] if service else SCHEMAS, report=show)
