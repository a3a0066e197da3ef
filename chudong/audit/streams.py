"""Reading a service's copy of its history from JetStream, in order, without acking anything."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from shared.bus.ordered import position, read_in_order
from shared.bus.seals import chain_of
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
    """Every message of ``service``'s stream, in sequence order (an ordered consumer, no acks)."""
    stream = stream_name(service)
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        return
    if not info.state.messages:
        return
    async for msgs in read_in_order(js, stream, f"{service}.>", until=info.state.last_seq, batch=batch):
        for msg in msgs:
            hash, prev_hash = chain_of(msg.headers or {})
            yield StreamMessage(position(msg)[0], msg.data, hash, prev_hash)
        if progress is not None:
            progress(len(msgs))
