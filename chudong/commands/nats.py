"""``chudong streams`` and ``chudong nats-config``: what an operator runs to set up NATS for chudong.

``chudong streams repair SERVICE`` moves the messages its relay did not publish out of a service's
stream (a relay halts on them; see ``shared.bus.tail``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from chudong.context import nats_credentials, nats_failures_reported, nats_url
from chudong.runner import create_streams
from shared.bus.connection import connect
from shared.bus.keys import BusKeyError, BusKeys, load_bus_keys
from shared.bus.permissions import render_authorization
from shared.bus.subjects import EVENT_SERVICES
from shared.bus.tail import Foreign, quarantine_foreign
from shared.settings import CommonSettings, service_settings

streams_app = typer.Typer(help="The JetStream streams: create or update them, repair one.")


async def repair_stream(
    url: str, user: str | None, password: str | None, service: str, keys: BusKeys
) -> list[Foreign]:
    """Quarantine the foreign messages at the tail of ``service``'s stream, as the admin user."""
    nc = await connect(url, name="chudong-streams-repair", user=user, password=password, connect_timeout=10)
    try:
        return await quarantine_foreign(nc.jetstream(), service, keys.own_check())
    finally:
        await nc.close()


@streams_app.callback(invoke_without_command=True)
def streams(
    ctx: typer.Context,
    replicas: Annotated[int, typer.Option(min=1, max=5, help="copies of each stream (3 in a cluster)")] = 1,
) -> None:
    """Create or update every stream as the admin user (services whose users may not do it need this)."""
    if ctx.invoked_subcommand is not None:
        return
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


@streams_app.command()
def repair(
    service: Annotated[
        str, typer.Argument(help="the service whose stream to repair: " + ", ".join(EVENT_SERVICES))
    ],
) -> None:
    """Move the messages SERVICE's relay did not publish from the end of its stream to the dead letters.

    Each is copied to the dead-letter stream with the reason, then deleted from the service's stream;
    the relay then finds its own last message and publishes what waits in its outbox. Runs as the
    admin NATS user, with the service's bus key (its setting, or the data directory's).
    """
    if service not in EVENT_SERVICES:
        raise typer.BadParameter(
            f"{service!r} has no stream; accepted: {', '.join(EVENT_SERVICES)}", param_hint="SERVICE"
        )
    common = CommonSettings()
    user, password = nats_credentials(common)
    try:
        keys = load_bus_keys(service_settings(service), common)
    except BusKeyError as exc:
        raise SystemExit(f"cannot tell {service}'s own messages without its bus key: {exc}") from exc
    with nats_failures_reported(common):
        moved = asyncio.run(repair_stream(nats_url(common), user, password, service, keys))
    for foreign in reversed(moved):
        print(
            f"quarantined {foreign.stream} sequence {foreign.sequence} ({foreign.reason}): {foreign.subject}"
        )
    print(
        f"{service}: {len(moved)} message(s) moved to the dead letters; the stream ends with its relay's own"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(streams_app, name="streams")

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
