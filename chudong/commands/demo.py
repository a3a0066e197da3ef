"""``chudong demo``: load a realistic, deterministic history into a running chudong."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from chudong.context import read_running, service_database_url
from chudong.demo import SCALES, Generator, digest
from chudong.demo.direct import SERVICES, DirectLoader
from chudong.options import parsed
from chudong.unit_tree import render
from shared.auth import Role, mint_token
from shared.settings import CommonSettings

console = Console(stderr=True)


class Via(StrEnum):
    AUTO = "auto"  # HTTP for the unit scale, the stores for the larger ones
    HTTP = "http"
    STORE = "store"


def database_urls(common: CommonSettings) -> dict[str, str]:
    """Each service's database, as the services of this data directory use it (``chudong run --postgres``'s too)."""
    return {name: service_database_url(common, name) for name in SERVICES}


def admin_token(common: CommonSettings, unit_id: str = "vn") -> str:
    """The demo's officer at ``unit_id`` (the central admin, or the unit that decides a command)."""
    return mint_token(
        common.resolved_jwt_secret(),
        subject="demo-loader",
        role=Role.ADMIN,
        unit_id=unit_id,
        name="chudong demo",
        issuer=common.token_issuer,
        lifetime=timedelta(hours=12),
    )


def _progress(start: float) -> Callable[[int], None]:
    def report(done: int) -> None:
        elapsed = time.monotonic() - start
        console.print(f"  {done:,} events recorded ({done / elapsed if elapsed else 0:,.0f}/s)")

    return report


async def load(generator: Generator, via: Via, common: CommonSettings) -> int:
    start = time.monotonic()
    progress = _progress(start)
    if via is Via.HTTP:
        info = read_running(common)
        if info is None:
            raise SystemExit("no running chudong here: start it with `chudong run` (same data directory)")
        from chudong.demo.http import HttpLoader  # its HTTP client is needed by this path alone

        loader = HttpLoader(info.services, lambda unit: admin_token(common, unit))
        try:
            return await loader.load(generator, progress)
        finally:
            await loader.close()
    direct = DirectLoader(database_urls(common))
    try:
        await direct.initialise()
        return await direct.load(generator.events(), progress)
    finally:
        await direct.close()


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        scale: Annotated[
            str, typer.Option(help="unit, district, province (~320 unions) or nation (~30,000)")
        ] = "unit",
        years: Annotated[int, typer.Option(min=1, max=10, help="how many evaluation years of history")] = 2,
        seed: Annotated[int, typer.Option(help="the same seed gives the same history")] = 1,
        until: Annotated[
            str | None, typer.Option(help="the last day of the history, YYYY-MM-DD (default: today)")
        ] = None,
        via: Annotated[Via, typer.Option(help="HTTP commands, or the services' stores directly")] = Via.AUTO,
        digest_only: Annotated[
            bool, typer.Option("--digest", help="print the number of events and their SHA-256; load nothing")
        ] = False,
    ) -> None:
        """Generate a realistic history (members, meetings, plans, reports, advice) and record it."""
        if scale not in SCALES:
            raise typer.BadParameter(
                f"{scale!r} is not a scale; use one of {', '.join(SCALES)}", param_hint="--scale"
            )
        last = (
            parsed(until, date.fromisoformat, "a date; use YYYY-MM-DD", "--until") if until else date.today()
        )
        generator = Generator(SCALES[scale], years, seed, last)
        if digest_only:
            events = list(generator.events())
            print(f"{len(events)} events, sha256 {digest(events)}")
            return
        chosen = via if via is not Via.AUTO else Via.HTTP if scale == "unit" else Via.STORE
        common = CommonSettings()
        console.print(f"demo: {scale}, {years} year(s) to {last}, seed {seed}, via {chosen.value}")
        loaded = asyncio.run(load(generator, chosen, common))
        console.print(f"demo: {loaded:,} events recorded")
        # The ids a reader needs next (tokens, admissions, explain): the branches too when they are few.
        print("\n".join(render(generator.outline(branches=scale == "unit"))))
        if chosen is Via.STORE and read_running(common) is None and not os.environ.get("NATS_URL"):
            console.print("the services publish them when they next start (`chudong run`)")
