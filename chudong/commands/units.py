"""``chudong units``: a running system's org tree, so a reader knows which unit ids to use."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import httpx
import typer

from chudong.context import read_running
from chudong.unit_tree import by_path, render
from shared.auth import Role, mint_token
from shared.settings import CommonSettings


def register(app: typer.Typer) -> None:
    @app.command()
    def units(
        under: Annotated[str, typer.Option(help="the unit whose subtree is listed")] = "vn",
        url: Annotated[
            str | None, typer.Option(help="membership's base URL (default: that of `chudong run` here)")
        ] = None,
    ) -> None:
        """List UNDER and every unit below it (id, level, name), indented, from membership's org tree."""
        common = CommonSettings()
        base = url
        if base is None:
            running = read_running(common)
            if running is None or "membership" not in running.services:
                typer.echo(
                    "membership is not running here (start it with `chudong run`); pass --url", err=True
                )
                raise typer.Exit(2)
            base = running.services["membership"]
        token = mint_token(
            common.resolved_jwt_secret(),
            subject="chudong-units",
            role=Role.ADMIN,
            unit_id="vn",
            issuer=common.token_issuer,
            lifetime=timedelta(minutes=5),
        )
        try:
            answer = httpx.get(
                f"{base.rstrip('/')}/units/{under}/tree",
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
        except httpx.HTTPError as exc:
            typer.echo(f"membership at {base} did not answer: {exc}", err=True)
            raise typer.Exit(1) from exc
        if answer.status_code != 200:
            typer.echo(f"membership answered {answer.status_code}: {answer.text}", err=True)
            raise typer.Exit(1)
        rows = [
            (u["unit_id"], u["level"], u["name"], u["path"], "" if u["status"] == "active" else u["status"])
            for u in answer.json()
        ]
        for line in render(by_path(rows)):
            print(line)
