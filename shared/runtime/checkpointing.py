"""A service signs its chain head at an interval, when it has moved: a checkpoint on ``CHECKPOINTS``.

One replica at a time signs (an advisory lock, as the relay). The first checkpoint comes as soon as the
service has a history; then one every ``CHUDONG_CHECKPOINT_INTERVAL_SECONDS`` while the head moves.
A checkpoint that cannot be published (NATS away, the stream missing) is logged and tried again at the
next tick: the history goes on meanwhile, and the next checkpoint covers it all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nats.js import JetStreamContext

from shared.checkpoints import SignedCheckpoint, sign_head
from shared.checkpoints.stream import last_checkpoint, publish_checkpoint
from shared.clock import utcnow
from shared.store import EventStore

log = structlog.get_logger("checkpoints")
FIRST_WAIT = 5.0  # how often the head is looked at while no checkpoint is due (a read of one row)


async def sign_if_moved(
    store: EventStore,
    js: JetStreamContext,
    key: Ed25519PrivateKey,
    last: SignedCheckpoint | None,
    now: Callable[[], datetime] = utcnow,
) -> SignedCheckpoint | None:
    """A new checkpoint of ``store``'s head, published, if it moved since ``last``; else ``last``."""
    position, hash = await store.head()
    if position == 0 or (last is not None and (last.position, last.hash) == (position, hash)):
        return last
    checkpoint = sign_head(key, store.service, position, hash, now())
    sequence = await publish_checkpoint(js, checkpoint)
    log.info("checkpoint.signed", service=store.service, position=position, hash=hash, sequence=sequence)
    return checkpoint


async def sign_periodically(
    store: EventStore, js: JetStreamContext, key: Ed25519PrivateKey, interval: float
) -> None:
    """Sign the head when it has moved and ``interval`` seconds have passed since the last checkpoint;
    the first as soon as there is a history (a few seconds after it starts, not an interval later)."""
    last: SignedCheckpoint | None = None
    known = False
    while True:
        try:
            if not known:
                last, known = await last_checkpoint(js, store.service), True
            if last is None or (utcnow() - last.signed_at).total_seconds() >= interval:
                last = await sign_if_moved(store, js, key, last)
        except Exception as exc:  # NATS or the database away: the next tick covers what this one missed
            log.warning("checkpoint.not_signed", service=store.service, error=str(exc) or repr(exc))
        await asyncio.sleep(min(interval, FIRST_WAIT))
