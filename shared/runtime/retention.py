"""How long a service remembers the answers to idempotent requests."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import structlog

from shared.clock import utcnow
from shared.store import EventStore

log = structlog.get_logger("runtime")


async def forget_old_idempotency_keys(store: EventStore, service: str, retention_hours: float) -> None:
    """Every so often, forget the answers to idempotent requests older than the retention."""
    retention = timedelta(hours=retention_hours)
    every = min(retention.total_seconds() / 4, 3600.0)
    while True:
        try:
            forgotten = await store.forget_idempotency_keys(utcnow() - retention)
            if forgotten:
                log.info("idempotency.keys_forgotten", service=service, count=forgotten)
        except Exception as exc:  # the database may be down for a while: try again next round
            log.warning("idempotency.retention_failed", service=service, error=str(exc))
        await asyncio.sleep(every)
