"""Live updates: evaluation's events from NATS, fanned out to the pages open in browsers (server-sent events).

A plain NATS subscription on ``evaluation.>`` is enough: a page that loses its stream reconnects and
reloads what it shows, so nothing here needs to be durable. Each listener receives only the events of
its officer's unit and the units below it (matched on the subject's unit path).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg

from shared.ids import path_contains

log = structlog.get_logger("dashboard.live")

SUBJECT = "evaluation.>"
WATCHED = frozenset(
    {
        "ComplianceChanged",
        "IndicatorAtRisk",
        "SelfAssessmentSubmitted",
        "CriterionAppraised",
        "UnitRecognised",
        "RecognitionDenied",
    }
)


@dataclass(eq=False, slots=True)
class Listener:
    scope: str
    queue: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(maxsize=1000))


class LiveFeed:
    """Keeps one subscription and the open pages' queues."""

    def __init__(self) -> None:
        self.listeners: set[Listener] = set()
        self.received = 0

    def listen(self, scope: str) -> Listener:
        listener = Listener(scope)
        self.listeners.add(listener)
        return listener

    def leave(self, listener: Listener) -> None:
        self.listeners.discard(listener)

    async def run(self, nc: Client) -> None:
        subscription = await nc.subscribe(SUBJECT, cb=self._on_message)
        try:
            await asyncio.Event().wait()
        finally:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()

    async def _on_message(self, msg: Msg) -> None:
        update = decode(msg.subject, msg.data)
        if update is None:
            return
        self.received += 1
        self.publish(update)

    def publish(self, update: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            if path_contains(listener.scope, update["path"]):
                try:
                    listener.queue.put_nowait(update)
                except asyncio.QueueFull:
                    log.warning("live.listener_full", scope=listener.scope)


def decode(subject: str, data: bytes) -> dict[str, Any] | None:
    """What a page needs from one of evaluation's events; None for events pages do not show."""
    parts = subject.split(".")
    if len(parts) < 3 or parts[1] not in WATCHED:
        return None
    try:
        payload = json.loads(data).get("payload", {})
    except (ValueError, AttributeError):
        return None
    update: dict[str, Any] = {
        "type": parts[1],
        "path": ".".join(parts[2:]),
        "unit_id": payload.get("unit_id", parts[-1]),
        "year": payload.get("year"),
    }
    if parts[1] == "ComplianceChanged":
        update |= {
            "criterion": payload.get("criterion"),
            "status": payload.get("new_status"),
            "old_status": payload.get("old_status"),  # what a page's tiles counted it under until now
        }
    elif parts[1] == "IndicatorAtRisk":
        update |= {"indicator_id": payload.get("indicator_id"), "criterion": payload.get("criterion")}
    elif parts[1] == "CriterionAppraised":
        update |= {"criterion": payload.get("criterion"), "status": payload.get("status")}
    return update
