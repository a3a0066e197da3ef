"""Reading a stream in bulk, in order: an ordered consumer (server push, flow control, no acks).

A rebuild, a replay or an audit reads a history from a known sequence to a known
sequence. A pull consumer that fetches and acks costs a round trip per batch and
a timed wait per message in the client; an ordered consumer is pushed the
messages with flow control, is recreated by the client from the next sequence
if one goes missing, and needs no acks: several times faster with nats-py.
Nothing about it is durable, so it suits reads whose progress the reader keeps
(a projection's checkpoint) or does not need (a replay).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

# Messages the client may hold for the reader before flow control holds the server back.
PENDING_LIMIT = 100_000


def position(msg: Msg) -> tuple[int, int]:
    """The message's stream sequence and how many messages of the consumer are left after it.

    Read from the reply subject ``$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer
    seq>.<time>.<pending>`` without building all the metadata (the longer form has a domain and an
    account hash first).
    """
    tokens = msg.reply.split(".") if msg.reply else []
    if len(tokens) == 9:
        return int(tokens[5]), int(tokens[8])
    if len(tokens) >= 12:
        return int(tokens[7]), int(tokens[10])
    meta = msg.metadata
    return int(meta.sequence.stream), int(meta.num_pending)


async def read_in_order(
    js: JetStreamContext,
    stream: str,
    subject: str,
    *,
    after: int = 0,
    until: int,
    batch: int = 1000,
    idle: float = 5.0,
) -> AsyncIterator[list[Msg]]:
    """The messages of ``stream`` on ``subject`` after sequence ``after``, in batches, in stream order.

    Stops after the first message at or past sequence ``until``, or when none is left after the
    last one delivered, or when nothing has come for ``idle`` seconds (what came is yielded first).
    """
    if after >= until:
        return
    queue: asyncio.Queue[list[Msg] | None] = asyncio.Queue(maxsize=4)
    pending: list[Msg] = []
    finished = False

    async def on_message(msg: Msg) -> None:
        nonlocal pending, finished
        if finished:
            return
        pending.append(msg)
        sequence, left = position(msg)
        if sequence >= until or left == 0:
            finished = True
            full, pending = pending, []
            await queue.put(full)
            await queue.put(None)
        elif len(pending) >= batch:
            full, pending = pending, []
            await queue.put(full)

    config = (
        ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=after + 1)
        if after
        else ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
    )
    sub = await js.subscribe(
        subject,
        stream=stream,
        cb=on_message,
        ordered_consumer=True,
        config=config,
        pending_msgs_limit=PENDING_LIMIT,
        pending_bytes_limit=PENDING_LIMIT * 4096,
    )
    try:
        info = await sub.consumer_info()
        delivered = info.delivered.consumer_seq if info.delivered else 0
        if not info.num_pending and not delivered and queue.empty():
            return  # nothing on the subject after ``after``
        while True:
            try:
                got = await asyncio.wait_for(queue.get(), idle)
            except TimeoutError:
                if pending:
                    yield pending
                return
            if got is None:
                return
            yield got
    finally:
        finished = True
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
