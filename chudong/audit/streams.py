"""Reading a service's copy of its history from JetStream, in order, without acking anything."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from shared.bus import headers as h
from shared.bus.subjects import stream_name


@dataclass(frozen=True, slots=True)
class StreamMessage:
    sequence: int
    data: bytes
    hash: str
    prev_hash: str


async def stream_length(js: JetStreamContext, service: str) -> int:
    try:
        info = await js.stream_info(stream_name(service))
    except NotFoundError:
        return 0
    return int(info.state.messages)


async def read_stream(
    js: JetStreamContext, service: str, *, batch: int = 1000, progress: Callable[[int], None] | None = None
) -> AsyncIterator[StreamMessage]:
    """Every message of ``service``'s stream, in sequence order (an ephemeral consumer, no acks)."""
    stream = stream_name(service)
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        return
    last = info.state.last_seq
    if not info.state.messages:
        return
    config = ConsumerConfig(
        ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL, inactive_threshold=60.0
    )
    sub = await js.pull_subscribe(f"{service}.>", stream=stream, config=config)
    try:
        seen = 0
        while True:
            try:
                msgs = await sub.fetch(batch, timeout=2.0)
            except TimeoutError:
                return
            for msg in msgs:
                headers = msg.headers or {}
                yield StreamMessage(
                    msg.metadata.sequence.stream,
                    msg.data,
                    headers.get(h.HASH, ""),
                    headers.get(h.PREV_HASH, ""),
                )
                seen = msg.metadata.sequence.stream
            if progress is not None:
                progress(len(msgs))
            if seen >= last:
                return
    finally:
        await sub.unsubscribe()
