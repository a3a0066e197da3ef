"""``chudong rebuild SERVICE PROJECTION``: rebuild a projection of a running service beside the live one."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

import httpx
import typer

from chudong.context import read_running
from shared.auth import Role, mint_token
from shared.settings import CommonSettings


def register(app: typer.Typer) -> None:
    @app.command()
    def rebuild(
        service: Annotated[str, typer.Argument(help="the service that runs the projection, e.g. evaluation")],
        projection: Annotated[str, typer.Argument(help="the projection, e.g. evaluation_facts")],
        url: Annotated[
            str | None, typer.Option(help="the service's base URL (default: that of `chudong run` here)")
        ] = None,
        unit: Annotated[str, typer.Option(help="the unit the admin token is minted for")] = "vn",
        timeout: Annotated[float, typer.Option(help="seconds to wait for the swap")] = 3600.0,
    ) -> None:
        """Rebuild PROJECTION from its streams beside the live one; it is swapped in when caught up."""
        common = CommonSettings()
        base = url
        if base is None:
            running = read_running(common)
            if running is None or service not in running.services:
                known = ", ".join(sorted(running.services)) if running else "no system running here"
                typer.echo(f"service {service!r} is not running here ({known}); pass --url", err=True)
                raise typer.Exit(2)
            base = running.services[service]
        token = mint_token(
            common.resolved_jwt_secret(),
            subject="chudong-rebuild",
            role=Role.ADMIN,
            unit_id=unit,
            issuer=common.token_issuer,
            lifetime=timedelta(hours=1),
        )
        answer = httpx.post(
            f"{base.rstrip('/')}/admin/projections/{projection}/rebuild",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )
        print(json.dumps(answer.json(), indent=2, ensure_ascii=False))
        if answer.status_code != 200:
            raise typer.Exit(1)
