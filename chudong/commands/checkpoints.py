"""``chudong checkpoints``: sign the services' chain heads now, export the checkpoints, show the keys."""

from __future__ import annotations

import asyncio
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from chudong.audit.checkpoints import believe
from chudong.audit.source import open_history
from chudong.commands.audit import DataDirOption, settings_for, trusted_keys
from chudong.context import nats_failures_reported
from shared.bus.subjects import EVENT_SERVICES
from shared.checkpoints import CheckpointFile, SignedCheckpoint, fingerprint, sign_head
from shared.checkpoints.keys import CheckpointKeyError, key_variable, known_public_keys, load_checkpoint_key
from shared.checkpoints.stream import CHECKPOINT_STREAM, publish_checkpoint, read_checkpoints
from shared.clock import utcnow
from shared.settings import CommonSettings, service_settings
from shared.store import EventStore

checkpoints_app = typer.Typer(help="Signed checkpoints of each service's chain head (ADR 0023).")
console = Console(stderr=True, highlight=False)


def _services(names: list[str] | None) -> list[str]:
    for name in names or []:
        if name not in EVENT_SERVICES:
            raise typer.BadParameter(
                f"{name!r} has no history; accepted: {', '.join(EVENT_SERVICES)}", param_hint="SERVICE"
            )
    return list(names or EVENT_SERVICES)


async def sign_now(
    common: CommonSettings, services: list[str], *, publish: bool = True
) -> list[SignedCheckpoint]:
    """Sign each of ``services``' chain heads with its key, and publish them on the running system's NATS."""
    signed = []
    async with open_history(common, jetstream=publish, name="chudong-checkpoints") as source:
        if publish and (source.mode != "online" or source.js is None):
            why = source.nats_problem.render("en") if source.nats_problem else "the system is stopped"
            raise SystemExit(
                f"cannot publish checkpoints: {why}; start it, or write them with --out --no-publish"
            )
        for service in services:
            db = source.databases.get(service)
            if db is None:
                continue
            position, hash = await EventStore(db, service).head()
            if position == 0:
                continue
            try:
                key = load_checkpoint_key(service_settings(service), common)
            except CheckpointKeyError as exc:
                raise SystemExit(str(exc)) from exc
            checkpoint = sign_head(key, service, position, hash, utcnow())
            if publish and source.js is not None:
                await publish_checkpoint(source.js, checkpoint)
            signed.append(checkpoint)
    return signed


async def stored_checkpoints(common: CommonSettings, *, latest: bool) -> tuple[list[SignedCheckpoint], str]:
    """The checkpoints on the stream that verify under the services' keys (the last of each if ``latest``)."""
    async with open_history(common, name="chudong-checkpoints") as source:
        if source.js is None:
            assert source.nats_problem is not None
            raise SystemExit(source.nats_problem.render("en"))
        believed = believe([item async for item in read_checkpoints(source.js)], trusted_keys(common))
        found: list[SignedCheckpoint] = []
        for service, b in sorted(believed.items()):
            if b.forged is not None:
                console.print(f"{service}: {b.forged.text.render('en')} (left out)")
            found += b.checkpoints[-1:] if latest else b.checkpoints
        return found, f"{CHECKPOINT_STREAM} at {source.nats}"


def _write(path: Path, checkpoints: list[SignedCheckpoint], source: str) -> None:
    path.write_text(CheckpointFile(exported_at=utcnow(), source=source, checkpoints=checkpoints).dump())


def _show(checkpoints: list[SignedCheckpoint]) -> None:
    for cp in checkpoints:
        sys.stdout.write(
            f"{cp.service:<14} position {cp.position:<10} hash {cp.hash}  signed {cp.signed_at.isoformat()}  "
            f"key {cp.key_fingerprint}\n"
        )


@checkpoints_app.command()
def sign(
    services: Annotated[list[str] | None, typer.Argument(help="the services (default: every one)")] = None,
    out: Annotated[Path | None, typer.Option(help="also write the checkpoints to this file, to keep")] = None,
    publish: Annotated[bool, typer.Option(help="publish them on the CHECKPOINTS stream")] = True,
    data_dir: DataDirOption = None,
) -> None:
    """Sign each service's chain head now, with its key, and publish it on the CHECKPOINTS stream."""
    common = settings_for(data_dir)
    if not publish and out is None:
        raise typer.BadParameter("--no-publish needs --out FILE", param_hint="--out")
    with nats_failures_reported(common):
        signed = asyncio.run(sign_now(common, _services(services), publish=publish))
    _show(signed)
    if out is not None:
        _write(out, signed, "chudong checkpoints sign")
        console.print(f"wrote {out}")


@checkpoints_app.command()
def export(
    out: Annotated[Path, typer.Option(help="the file to write (JSON)")],
    latest: Annotated[bool, typer.Option(help="only the last checkpoint of each service")] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Write the checkpoints on the CHECKPOINTS stream to a file an auditor keeps (`verify --against`).

    Only checkpoints whose signature verifies under the service's key are written.
    """
    common = settings_for(data_dir)
    with nats_failures_reported(common):
        found, source = asyncio.run(stored_checkpoints(common, latest=latest))
    _write(out, found, source)
    _show(found)
    console.print(f"wrote {out}: {len(found)} checkpoint(s)")


@checkpoints_app.command()
def keys(
    new: Annotated[bool, typer.Option(help="make new keys for a deployment, printed as settings")] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Each service's public checkpoint key and its fingerprint (give them to the auditors).

    With --new: a new private key per service as ``<SERVICE>_CHECKPOINT_KEY=…`` lines, for a
    deployment's secret (keep them as long as the checkpoints).
    """
    if new:
        for service in EVENT_SERVICES:
            print(f"{key_variable(service)}={secrets.token_bytes(32).hex()}")
        return
    common = settings_for(data_dir)
    try:
        public = known_public_keys(common)
    except CheckpointKeyError as exc:
        raise SystemExit(str(exc)) from exc
    for service in EVENT_SERVICES:
        key = public.get(service)
        shown = (
            f"{key}  fingerprint {fingerprint(key)}"
            if key
            else "no key here (set it, or run the service once)"
        )
        print(f"{service:<14} {shown}")


def register(app: typer.Typer) -> None:
    app.add_typer(checkpoints_app, name="checkpoints")
