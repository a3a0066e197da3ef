"""``chudong erasure purge``: rewrite membership's key table, so no file of its database holds an erased key."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from services.membership.adapters.keys import rewrite_keys
from shared.settings import CommonSettings, service_settings
from shared.store import Database
from shared.store.shredding import PurgeIncompleteError

erasure = typer.Typer(
    help="What erasure (quyền xóa dữ liệu) leaves behind, and removing it.", no_args_is_help=True
)


async def _purge(database_url: str, wait: float) -> None:
    db = Database(database_url)
    try:
        await rewrite_keys(db, timeout=wait)
    finally:
        await db.dispose()


@erasure.command()
def purge(
    data_dir: Annotated[Path | None, typer.Option(help="chudong's data directory")] = None,
    wait: Annotated[
        float, typer.Option(help="seconds to wait for older transactions to end before giving up")
    ] = 600.0,
) -> None:
    """Rewrite the key table (PostgreSQL: VACUUM FULL person_keys; SQLite: VACUUM).

    PostgreSQL keeps a deleted key in the table's file until the table is rewritten: run this after
    erasures (it waits for transactions older than itself to end, then locks the key table while it
    copies it). On SQLite every erasure already leaves nothing; run it once on a database written
    before chudong turned SQLite's secure delete on.
    """
    common = CommonSettings() if data_dir is None else CommonSettings(data_dir=data_dir)
    url = service_settings("membership").resolved_database_url(common)
    try:
        asyncio.run(_purge(url, wait))
    except PurgeIncompleteError as exc:
        typer.echo(f"not purged: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo("membership's key table rewritten: no erased key is left in its files")


def register(app: typer.Typer) -> None:
    app.add_typer(erasure, name="erasure")
