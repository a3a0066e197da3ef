"""5. The raw limits of the transport: nats-py alone, no framework, no database."""

from __future__ import annotations

import statistics
import time

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

PAYLOAD = b"x" * 400


async def publish_async(js: JetStreamContext, count: int, stream: str) -> float:
    """JetStream ``publish_async`` with up to 4,000 in flight: messages per second."""
    start = time.perf_counter()
    for i in range(count):
        await js.publish_async(f"{stream.lower()}.raw.{i % 100}", PAYLOAD)
    await js.publish_async_completed()
    return count / (time.perf_counter() - start)


async def fetch_and_ack(js: JetStreamContext, count: int, stream: str, batch: int = 500) -> float:
    """A durable pull consumer: fetch 500, ``ack()`` each: messages per second."""
    durable = f"raw_{stream}"
    await js.add_consumer(
        stream, ConsumerConfig(durable_name=durable, ack_policy=AckPolicy.EXPLICIT, max_ack_pending=batch * 2)
    )
    sub = await js.pull_subscribe_bind(durable=durable, stream=stream)
    received = 0
    start = time.perf_counter()
    while received < count:
        for msg in await sub.fetch(batch, timeout=5):
            await msg.ack()
            received += 1
    elapsed = time.perf_counter() - start
    await sub.unsubscribe()
    return received / elapsed


async def run(
    js: JetStreamContext, count: int, repeats: int = 3
) -> tuple[float, float, list[float], list[float]]:
    publish_rates, fetch_rates = [], []
    for run_index in range(repeats):
        stream = f"RAW{run_index}"
        await js.add_stream(StreamConfig(name=stream, subjects=[f"{stream.lower()}.>"]))
        publish_rates.append(await publish_async(js, count, stream))
        fetch_rates.append(await fetch_and_ack(js, count, stream))
        await js.delete_stream(stream)
    return statistics.median(publish_rates), statistics.median(fetch_rates), publish_rates, fetch_rates
