"""``chudong status``: each stream's size and each consumer's lag, as the NATS server sees them."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Annotated, Any

import structlog
import typer
from rich.table import Table

from chudong.audit.output import plain_table
from chudong.context import nats_credentials, nats_failures_reported, nats_url
from shared.bus.connection import connect
from shared.settings import CommonSettings


async def collect_status(url: str, user: str | None, password: str | None) -> dict[str, Any]:
    """Streams (messages, bytes, replicas, leader) and their consumers (lag, waiting acks)."""
    nc = await connect(url, name="chudong-status", user=user, password=password, connect_timeout=5)
    try:
        js = nc.jetstream()
        streams: list[dict[str, Any]] = []
        for info in sorted(await js.streams_info(), key=lambda i: i.config.name or ""):
            name = info.config.name or ""
            cluster = info.cluster
            consumers = [
                {
                    "name": c.name,
                    "lag": int(c.num_pending or 0),
                    "ack_pending": int(c.num_ack_pending or 0),
                    "redelivered": int(c.num_redelivered or 0),
                    "delivered": c.delivered.stream_seq if c.delivered else 0,
                    "filter": c.config.filter_subjects
                    or ([c.config.filter_subject] if c.config.filter_subject else []),
                }
                for c in sorted(await js.consumers_info(name), key=lambda c: c.name)
            ]
            streams.append(
                {
                    "name": name,
                    "messages": info.state.messages,
                    "bytes": info.state.bytes,
                    "last_sequence": info.state.last_seq,
                    "replicas": info.config.num_replicas,
                    "leader": cluster.leader if cluster else None,
                    "current_replicas": (
                        1 + sum(1 for p in cluster.replicas or [] if p.current) if cluster else None
                    ),
                    "consumers": consumers,
                }
            )
        return {"nats": url, "streams": streams}
    finally:
        await nc.close()


def _print(report: dict[str, Any]) -> None:
    streams = Table(title=f"streams at {report['nats']}")
    for column in ("stream", "messages", "bytes", "last seq", "replicas", "leader"):
        streams.add_column(column)
    consumers = Table(title="consumers")
    for column in ("stream", "consumer", "lag", "ack pending", "redelivered", "delivered up to"):
        consumers.add_column(column)
    for s in report["streams"]:
        replicas = str(s["replicas"])
        if s["current_replicas"] is not None:
            replicas += f" ({s['current_replicas']} current)"
        streams.add_row(
            s["name"],
            str(s["messages"]),
            str(s["bytes"]),
            str(s["last_sequence"]),
            replicas,
            s["leader"] or "-",
        )
        for c in s["consumers"]:
            consumers.add_row(
                s["name"],
                c["name"],
                str(c["lag"]),
                str(c["ack_pending"]),
                str(c["redelivered"]),
                str(c["delivered"]),
            )
    sys.stdout.write(plain_table(streams) + plain_table(consumers))


def register(app: typer.Typer) -> None:
    @app.command()
    def status(
        as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    ) -> None:
        """Each stream's size and replicas, and each consumer's lag (what is still to be delivered)."""
        common = CommonSettings()
        user, password = nats_credentials(common)
        # Logs to stderr: stdout is the report, which --json makes a machine's input.
        structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))
        with nats_failures_reported(common):
            report = asyncio.run(collect_status(nats_url(common), user, password))
        if as_json:
            print(json.dumps(report, indent=2))
        else:
            _print(report)
