"""Prometheus metrics of a service process (served at ``/metrics``), through ``prometheus_client``.

Every service exposes the same families, labelled with ``service`` (and
``partition`` for a replica that has one):

- ``chudong_events_stored``: the position of the service's last stored event
  (events appended; read from the database, so replicas agree);
- ``chudong_outbox_pending``: appended but not yet relayed;
- ``chudong_events_relayed_total``: published by this process's relay;
- ``chudong_events_consumed_total`` / ``chudong_events_skipped_total``: per consumer;
- ``chudong_projection_checkpoint`` and ``chudong_projection_lag``: the last
  applied stream sequence, and the messages the server still holds for the consumer;
- ``chudong_dead_letters_total``: per consumer;
- ``chudong_messages_refused_total``: per consumer and reason (``unsealed``, ``seal does not
  match``): messages its owner did not publish, dead-lettered unapplied;
- ``chudong_relay_halted``: 1 while the relay halts on a message it did not publish;
- ``chudong_<name>_total`` for what a service counts itself through :class:`Counters`
  (notifications: ``alerts_delivered``, ``alerts_undelivered`` and ``alert_attempts_failed``,
  per ``channel``).

The values live in the runtime (its relay, consumers and counters) and the database; they are
read at each scrape into metric families, which ``prometheus_client`` writes out (escaping label
values, grouping samples by family).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.metrics_core import Metric
from sqlalchemy import func, select

from shared.bus.seals import Refusal
from shared.store.schema import events

if TYPE_CHECKING:
    from shared.runtime.service import ServiceRuntime

Labels = tuple[tuple[str, str], ...]

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Counters:
    """Counters a service increments itself, e.g. ``runtime.counters.add("alerts_delivered", channel="sms")``."""

    def __init__(self) -> None:
        self._values: dict[str, dict[Labels, float]] = defaultdict(dict)

    def add(self, name: str, amount: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        family = self._values[name]
        family[key] = family.get(key, 0.0) + amount

    def total(self, name: str) -> float:
        """``name`` summed over its labels."""
        return sum(self._values.get(name, {}).values())

    def items(self) -> Iterable[tuple[str, Labels, float]]:
        for name, family in sorted(self._values.items()):
            for labels, value in sorted(family.items()):
                yield name, labels, value


class _Families:
    """The families of one scrape, in the order first sampled; a value not readable now is left out."""

    def __init__(self) -> None:
        self._families: dict[str, Metric] = {}

    def sample(
        self, name: str, kind: str, help_text: str, labels: Mapping[str, str], value: float | None
    ) -> None:
        if value is None:
            return
        # prometheus_client names a counter's family without ``_total`` and its samples with it.
        family_name = name.removesuffix("_total") if kind == "counter" else name
        family = self._families.get(family_name)
        if family is None:
            family = self._families[family_name] = Metric(family_name, help_text, kind)
        family.add_sample(name, dict(labels), float(value))

    def collect(self) -> Iterator[Metric]:
        return iter(self._families.values())


async def render_metrics(runtime: ServiceRuntime, lag_timeout: float = 1.0) -> str:
    """The process's metrics; a value that cannot be read now (database or NATS down) is left out."""
    base = {"service": runtime.name}
    if runtime.partition is not None:
        base["partition"] = runtime.partition.name
    out = _Families()
    stored: int | None = None
    pending: int | None = None
    with contextlib.suppress(Exception):
        async with runtime.db.read() as conn:
            stored = int(
                (await conn.execute(select(func.coalesce(func.max(events.c.position), 0)))).scalar_one()
            )
        pending = await runtime.store.pending_outbox()
    out.sample("chudong_events_stored", "gauge", "Position of the last event appended", base, stored)
    out.sample("chudong_outbox_pending", "gauge", "Events appended, not yet relayed", base, pending)
    relayed = runtime.relay.published if runtime.relay is not None else 0
    out.sample("chudong_events_relayed_total", "counter", "Events this process relayed", base, relayed)
    if runtime.relay is not None:
        halted = 1 if runtime.relay.active and runtime.relay.halted is not None else 0
        out.sample("chudong_relay_halted", "gauge", "1 while the relay halts on its stream", base, halted)
    lags = await asyncio.gather(*(_lag(runtime, c.stream, c.name, lag_timeout) for c in runtime.consumers))
    for consumer, lag in zip(runtime.consumers, lags, strict=True):
        labels = {**base, "consumer": consumer.name, "stream": consumer.stream}
        out.sample("chudong_events_consumed_total", "counter", "Events applied", labels, consumer.applied)
        out.sample(
            "chudong_events_skipped_total",
            "counter",
            "Redelivered events found applied",
            labels,
            consumer.skipped,
        )
        out.sample(
            "chudong_projection_checkpoint",
            "gauge",
            "Last stream sequence applied",
            labels,
            consumer.checkpoint,
        )
        out.sample(
            "chudong_projection_lag", "gauge", "Messages not yet delivered to the consumer", labels, lag
        )
        out.sample(
            "chudong_dead_letters_total",
            "counter",
            "Messages sent to dead letters",
            labels,
            consumer.dead_lettered,
        )
        for reason in Refusal:
            out.sample(
                "chudong_messages_refused_total",
                "counter",
                "Messages refused unapplied: their owner did not seal them",
                {**labels, "reason": reason.value},
                consumer.refused.get(reason.value, 0),
            )
    for name, extra, value in runtime.counters.items():
        out.sample(f"chudong_{name}_total", "counter", name.replace("_", " "), {**base, **dict(extra)}, value)
    return generate_latest(out).decode()


async def _lag(runtime: ServiceRuntime, stream: str, consumer: str, timeout: float) -> int | None:
    if runtime.js is None:
        return None
    try:
        info = await runtime.js.consumer_info(stream, consumer, timeout=timeout)
    except Exception:
        return None
    return int(info.num_pending or 0) + int(info.num_ack_pending or 0)
