"""The ``chudong`` command line."""

from __future__ import annotations

import importlib
import os
import pkgutil
import signal
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

import chudong.commands
from chudong.context import RunningInfo, clear_running, write_running
from chudong.runner import System
from chudong.supervision import GaveUpError, RestartPolicy, Supervisor
from shared.runtime.owner_only import keep_private
from shared.settings import CommonSettings

app = typer.Typer(
    help="chudong: evidence-based '3 chủ động' compliance for the Youth Union.", no_args_is_help=True
)
console = Console(stderr=True)


@app.command()
def run(
    free_ports: Annotated[bool, typer.Option(help="pick free ports instead of 8101-8106")] = False,
    data_dir: Annotated[Path | None, typer.Option(help="where databases and NATS keep their data")] = None,
    log_dir: Annotated[Path | None, typer.Option(help="write each service's log to a file here")] = None,
    cluster: Annotated[
        bool,
        typer.Option(
            help="a local NATS cluster: three nodes, streams replicated 3 times, a user per service"
        ),
    ] = False,
    postgres: Annotated[
        str | None,
        typer.Option(
            help="a PostgreSQL server URL: each service gets its own database there (chudong_<service>)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start NATS (embedded unless NATS_URL is set) and the services, and restart a service that exits.

    Ctrl-C stops them all; so does a service that keeps failing (CHUDONG_RESTART_LIMIT exits within
    CHUDONG_RESTART_WINDOW_SECONDS), and then chudong exits with code 1.
    """
    common = CommonSettings() if data_dir is None else CommonSettings(data_dir=data_dir)
    keep_private(common.data_dir, log_dir)  # before NATS, the services or a secret write anything
    system = System(common, free_ports=free_ports, log_dir=log_dir, cluster=cluster, postgres=postgres)
    supervisor = Supervisor(system, RestartPolicy(), say=_say)
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    system.start()
    write_running(common, RunningInfo(system.nats_url, {s.name: s.url for s in system.services}, os.getpid()))
    table = Table(title="chudong is running")
    table.add_column("service")
    table.add_column("URL")
    kind = " (3-node cluster)" if system.local_cluster else "" if system.nats else " (external)"
    table.add_row("nats", system.nats_url + kind)
    for service in system.services:
        table.add_row(service.name, service.url)
    console.print(table)
    for migration in system.migrations:
        if migration.changed:
            console.print(f"schema: {migration.describe()}")
    console.print(f"data: {common.data_dir.resolve()}   first account: chudong accounts open --help")
    print("READY", " ".join(f"{s.name}={s.url}" for s in system.services), flush=True)
    failure: str | None = None
    try:
        while not stopping:
            supervisor.check()
            time.sleep(0.2)
    except GaveUpError as exc:
        failure = str(exc)
    finally:
        _say(failure or "stopping…")
        system.stop()
        clear_running(common)
    if failure is not None:
        raise typer.Exit(1)


def _say(line: str) -> None:
    """One line on the terminal, as written (no wrapping, markup or highlighting): a log line."""
    console.print(line, soft_wrap=True, markup=False, highlight=False)


@app.command()
def catalogue(
    out: Annotated[Path | None, typer.Option(help="write the document here instead of printing it")] = None,
) -> None:
    """Print the AsyncAPI catalogue of every event chudong publishes."""
    import json

    import shared.contracts  # noqa: F401
    from chudong.nats.catalogue import catalogue_document

    text = json.dumps(catalogue_document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if out is None:
        print(text, end="")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {out}")


def _register_commands() -> None:
    for module in pkgutil.iter_modules(chudong.commands.__path__):
        importlib.import_module(f"chudong.commands.{module.name}").register(app)


_register_commands()


def main() -> None:
    app()
