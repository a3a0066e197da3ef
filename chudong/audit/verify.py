"""Verification of every service's history: its hash chain, and its JetStream copy against it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from nats.js import JetStreamContext
from sqlalchemy import select

from chudong.audit.streams import read_stream
from shared.store import Database, verify_chain
from shared.store.schema import events


@dataclass(frozen=True, slots=True)
class Finding:
    service: str
    ok: bool
    text: str


async def verify_database(service: str, db: Database) -> Finding:
    report = await verify_chain(db)
    if report.ok:
        return Finding(
            service, True, f"hash chain intact: {report.events} events, head {report.head_hash[:16]}…"
        )
    return Finding(service, False, f"hash chain broken at {report.first_break}")


async def verify_copy(service: str, db: Database, js: JetStreamContext) -> Finding:
    """Each stream message, in order, must be the stored event at the same place, with the same hash."""
    expected = 0
    async with db.read() as conn:
        rows = {
            int(r.position): (bytes(r.body), str(r.hash), str(r.event_id))
            for r in await conn.execute(
                select(events.c.position, events.c.body, events.c.hash, events.c.event_id)
            )
        }
    async for msg in read_stream(js, service):
        expected += 1
        try:
            position = int(json.loads(msg.data).get("position", 0))
            event_id = str(json.loads(msg.data).get("event_id", "?"))
        except ValueError:
            return Finding(service, False, f"JetStream message {msg.sequence} is not an event")
        if position != expected:
            missing = rows.get(expected)
            who = f" (event {missing[2]})" if missing else ""
            return Finding(
                service,
                False,
                f"JetStream copy: position {expected}{who} is missing; the next message holds {position}",
            )
        stored = rows.get(position)
        if stored is None:
            return Finding(
                service,
                False,
                f"JetStream copy: event {event_id} at position {position} is not in the database",
            )
        if stored[1] != msg.hash or stored[0] != msg.data:
            return Finding(
                service,
                False,
                f"JetStream copy: event {event_id} at position {position} differs from the database",
            )
    unrelayed = len(rows) - expected
    tail = f"; {unrelayed} not relayed yet" if unrelayed > 0 else ""
    return Finding(service, True, f"JetStream copy matches: {expected} events{tail}")
