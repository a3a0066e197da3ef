"""One relay per service across its replicas: the one holding a PostgreSQL advisory lock.

Replicas of a service share one database and one outbox. Two relays publishing
it at once stay correct (each publish carries ``Nats-Expected-Last-Sequence``
and ``Nats-Msg-Id``) but keep refusing each other's publishes, and each refusal
costs the loser an acknowledgement timeout. So a replica runs its relay only
while it holds a session-level advisory lock named after the service; when the
holder dies its session ends, the lock is freed and another replica takes over
within a few seconds. The session is checked every ``heartbeat`` seconds: a
replica whose database connection dropped stops relaying, as it may have lost
the lock. SQLite has one process per database: it relays without a lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Awaitable, Callable

import structlog
from sqlalchemy import text

from shared.retry import Backoff
from shared.store.database import Database

log = structlog.get_logger("leadership")


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock``."""
    return int.from_bytes(hashlib.sha256(f"chudong:{name}".encode()).digest()[:8], "big", signed=True)


async def run_as_leader(
    db: Database,
    name: str,
    work: Callable[[], Awaitable[None]],
    *,
    heartbeat: float = 2.0,
    retry: float = 1.0,
) -> None:
    """Run ``work()`` while holding the advisory lock ``name``; wait for it while another holds it."""
    if db.is_sqlite:
        await work()
        return
    key = lock_key(name)
    waiting = Backoff(retry, retry)  # a fixed wait: the lock or the database is tried again as often
    leading = False
    while True:
        try:
            async with db.engine.connect() as raw:
                conn = await raw.execution_options(isolation_level="AUTOCOMMIT")
                held = (await conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})).scalar()
                if not held:
                    if leading:
                        log.info("leadership.lost", lock=name)
                    leading = False
                    await waiting.wait()
                    continue
                leading = True
                log.info("leadership.acquired", lock=name)
                task = asyncio.ensure_future(work())
                try:
                    while not task.done():
                        await asyncio.wait({task}, timeout=heartbeat)
                        await conn.execute(text("SELECT 1"))
                    task.result()
                finally:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                    with contextlib.suppress(Exception):
                        await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("leadership.retrying", lock=name, error=str(exc) or exc.__class__.__name__)
            leading = False
            await waiting.wait()
