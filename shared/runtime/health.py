"""A service's health report (``/healthz``): up or degraded, and why.

Kept cheap: one database ping, one count of the outbox, no request to NATS.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from shared.bus.consumer import ProjectionConsumer
from shared.bus.relay import Relay

if TYPE_CHECKING:
    from shared.runtime.service import ServiceRuntime


async def health_report(runtime: ServiceRuntime) -> dict[str, Any]:
    database = await runtime.db.ping()
    nats_ok = runtime.nc is not None and runtime.nc.is_connected
    outbox = await runtime.store.pending_outbox() if database else None
    tasks = runtime.task_states()
    tasks_ok = all(state == "running" for state in tasks.values()) or not runtime.started.is_set()
    troubles = problems(runtime.relay, runtime.consumers, outbox)
    relay = runtime.relay
    report: dict[str, Any] = {
        "service": runtime.name,
        "status": "ok" if database and nats_ok and tasks_ok and not troubles else "degraded",
        "problems": troubles,
        "partition": runtime.partition.name if runtime.partition else None,
        "database": "ok" if database else "unavailable",
        "nats": "ok" if nats_ok else "unavailable",
        "outbox_pending": outbox,
        "relay": None
        if relay is None
        else {"published": relay.published, "last_sequence": relay.last_sequence, "halted": relay.halted},
        "tasks": tasks,
        "consumers": {
            c.name: {
                "checkpoint": c.checkpoint,
                "applied": c.applied,
                "skipped": c.skipped,
                "dead_lettered": c.dead_lettered,
                "refused": dict(c.refused),
            }
            for c in runtime.consumers
        },
    }
    for name, read in runtime.health_fields.items():
        try:
            report[name] = await read() if database else "unknown"
        except Exception:
            report[name] = "unknown"
    return report


def problems(relay: Relay | None, consumers: Sequence[ProjectionConsumer], outbox: int | None) -> list[str]:
    """A relay halted, stuck or falling behind, and consumers stuck or falling behind, each with why."""
    found: list[str] = []
    # The relay is judged where it runs: among replicas, the one holding the relay's lock.
    if relay is not None and relay.active:
        trouble = relay.progress.trouble(backlog=outbox)
        if relay.halted is not None:
            found.append(f"relay halted: {relay.halted}")
        elif trouble is not None:
            found.append(f"relay of {relay.stream}: {trouble}")
    for consumer in consumers:
        trouble = consumer.progress.trouble()
        if trouble is not None:
            found.append(f"consumer {consumer.name} at sequence {consumer.checkpoint}: {trouble}")
    return found
