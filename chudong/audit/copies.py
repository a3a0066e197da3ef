"""What each copy of a service's history holds: its database, its JetStream copy, each position's hash.

Read once per verification; :mod:`chudong.audit.verify` checks them against each other and the
checkpoints, and names what each copy holds where they part.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from nats.js import JetStreamContext
from sqlalchemy import select

from chudong.audit.findings import BrokenEvent
from chudong.audit.streams import read_stream
from shared.bus.subjects import stream_name
from shared.checkpoints import SignedCheckpoint
from shared.i18n import Message, _
from shared.store import Database, verify_chain
from shared.store.schema import events, outbox
from shared.store.verify import ChainReport

DATABASE, JETSTREAM = "database", "JetStream"


@dataclass(slots=True)
class StoredHistory:
    """What a service's database holds: its chain's own check, each position's hash, the outbox."""

    chain: ChainReport
    hashes: dict[int, str]
    unrelayed: set[int]


@dataclass(slots=True)
class CopyProblem:
    position: int
    text: Message


@dataclass(slots=True)
class StreamCopy:
    """What a JetStream copy holds: each position's hash and where each lies in the stream."""

    hashes: dict[int, str] = field(default_factory=dict)
    sequences: dict[int, int] = field(default_factory=dict)
    messages: int = 0
    problem: CopyProblem | None = None


async def read_database(db: Database) -> StoredHistory:
    chain = await verify_chain(db)
    async with db.read() as conn:
        hashes = {
            int(r.position): str(r.hash) for r in await conn.execute(select(events.c.position, events.c.hash))
        }
        unrelayed = {int(r.position) for r in await conn.execute(select(outbox.c.position))}
    return StoredHistory(chain, hashes, unrelayed)


async def read_copy(js: JetStreamContext, service: str) -> StreamCopy:
    """Every message of the service's stream, each checked against its own chain link."""
    copy = StreamCopy()
    previous = None
    async for msg in read_stream(js, service):
        copy.messages += 1
        expected = max(copy.hashes, default=0) + 1
        try:
            body = json.loads(msg.data)
            position = int(body["position"])
        except (ValueError, KeyError, TypeError):
            copy.problem = copy.problem or CopyProblem(
                expected, _("stream sequence {sequence} holds no event", sequence=msg.sequence)
            )
            continue
        copy.hashes[position] = msg.hash
        copy.sequences[position] = msg.sequence
        if copy.problem is not None:
            continue
        if position != expected:
            copy.problem = CopyProblem(
                expected,
                _(
                    "position {position} is missing: the next message holds {next}",
                    position=expected,
                    next=position,
                ),
            )
        elif hashlib.sha256(msg.prev_hash.encode() + msg.data).hexdigest() != msg.hash:
            copy.problem = CopyProblem(
                position, _("position {position}: its bytes do not match its hash", position=position)
            )
        elif previous is not None and msg.prev_hash != previous:
            copy.problem = CopyProblem(
                position,
                _(
                    "position {position}: its previous hash is not the hash of the message before",
                    position=position,
                ),
            )
        previous = msg.hash
    return copy


@dataclass(slots=True)
class ServiceHistory:
    """Everything read of one service, and the checks made on it."""

    service: str
    db: Database | None
    stored: StoredHistory | None = None
    copy: StreamCopy | None = None
    js: JetStreamContext | None = None

    async def describe(self, position: int) -> dict[str, Any]:
        """The event at ``position`` as the database holds it, else as the JetStream copy does."""
        if self.db is not None:
            async with self.db.read() as conn:
                row = (
                    await conn.execute(
                        select(
                            events.c.event_id, events.c.type, events.c.unit_path, events.c.occurred_at
                        ).where(events.c.position == position)
                    )
                ).first()
            if row is not None:
                return {
                    "event_id": str(row.event_id),
                    "type": row.type,
                    "unit_path": row.unit_path,
                    "occurred_at": _aware(row.occurred_at),
                }
        if self.copy is not None and self.js is not None and position in self.copy.sequences:
            msg = await self.js.get_msg(stream_name(self.service), self.copy.sequences[position])
            body = json.loads(msg.data or b"{}")
            return {
                "event_id": str(body.get("event_id", "")),
                "type": str(body.get("type", "")),
                "unit_path": str(body.get("unit_path", "")),
                "occurred_at": datetime.fromisoformat(body["occurred_at"])
                if body.get("occurred_at")
                else None,
            }
        return {}

    def hashes_at(self, position: int, checkpoints: Sequence[SignedCheckpoint] = ()) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        if self.stored is not None:
            found[DATABASE] = self.stored.hashes.get(position)
        if self.copy is not None:
            found[JETSTREAM] = self.copy.hashes.get(position)
        for cp in checkpoints:
            if cp.position == position:
                found[_checkpoint_name(cp)] = cp.hash
        return found

    async def broken_event(self, position: int, checkpoints: Sequence[SignedCheckpoint] = ()) -> BrokenEvent:
        hashes = self.hashes_at(position, checkpoints)
        return BrokenEvent(
            position, **await self.describe(position), hashes=hashes, agreement=agreement(hashes)
        )


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _checkpoint_name(cp: SignedCheckpoint) -> str:
    return f"checkpoint {cp.signed_at.astimezone(UTC):%Y-%m-%d %H:%M}"


def agreement(hashes: dict[str, str | None]) -> Message | None:
    """Which copies hold the same at one position, and which differ (None: fewer than two copies)."""
    if len(hashes) < 2:
        return None
    groups: dict[str | None, list[str]] = {}
    for copy, value in hashes.items():
        groups.setdefault(value, []).append(copy)
    if len(groups) == 1:
        return _("every copy agrees here: {copies}", copies=", ".join(hashes))
    agreeing = [g for value, g in groups.items() if value is not None and len(g) > 1]
    if not agreeing:
        return _("{copies} differ", copies=" and ".join(hashes))
    differing = [c for g in groups.values() if g is not agreeing[0] for c in g]
    return _(
        "{agreeing} agree; {differing} differ",
        agreeing=" and ".join(agreeing[0]),
        differing=", ".join(differing),
    )
