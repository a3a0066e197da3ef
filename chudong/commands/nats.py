"""``chudong streams`` and ``chudong nats-config``: what an operator runs to set up NATS for chudong."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from chudong.context import nats_credentials, nats_failures_reported, nats_url
from chudong.runner import create_streams
from shared.bus.permissions import render_authorization
from shared.settings import CommonSettings


def register(app: typer.Typer) -> None:
    @app.command()
    def streams(
        replicas: Annotated[
            int, typer.Option(min=1, max=5, help="copies of each stream (3 in a cluster)")
        ] = 1,
    ) -> None:
        """Create or update every stream as the admin user (services whose users may not do it need this)."""
        common = CommonSettings()
        user, password = nats_credentials(common)
        with nats_failures_reported(common):
            asyncio.run(
                create_streams(
                    nats_url(common),
                    user,
                    password,
                    replicas=replicas,
                    duplicate_window=common.dedup_window_seconds,
                )
            )
        print(f"streams ready, {replicas} replica(s) each")

    @app.command("nats-config")
    def nats_config(
        out: Annotated[Path | None, typer.Option(help="write the block here instead of printing it")] = None,
    ) -> None:
        """Print the NATS accounts block: a user per service with its permissions, passwords from env."""
        text = render_authorization()
        if out is None:
            print(text, end="")
        else:
            out.write_text(text)
