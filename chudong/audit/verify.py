"""Verification of one service's history: its database chain, its JetStream copy, and the checkpoints.

Three copies can vouch for a history: the database (each event's hash covers the one before), the
JetStream copy (the same bytes and hashes, relayed), and the checkpoints the service signed (its head's
hash at a position, which covers everything before it). Each check says ok, BROKEN or NOT CHECKED
(:mod:`chudong.audit.findings`); a break names the event and what each copy holds there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from nats.js import JetStreamContext
from sqlalchemy import select

from chudong.audit.findings import BrokenEvent, Check, Finding, Verdict
from chudong.audit.streams import read_stream
from shared.bus.subjects import stream_name
from shared.checkpoints import SignedCheckpoint
from shared.i18n import Message, _, format_date
from shared.store import ChainBreak, Database, verify_chain
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


async def check_database(history: ServiceHistory, checkpoints: list[SignedCheckpoint]) -> Finding:
    stored = history.stored
    assert stored is not None
    report = stored.chain
    if report.first_break is not None:
        brk: ChainBreak = report.first_break
        return Finding(
            history.service,
            Check.DATABASE,
            Verdict.BROKEN,
            _(
                "hash chain broken at position {position}: {reason}",
                position=brk.position,
                reason=brk.message,
            ),
            await history.broken_event(brk.position, checkpoints),
        )
    return Finding(
        history.service,
        Check.DATABASE,
        Verdict.OK,
        _(
            "hash chain intact: {events} events, head at position {position}, hash {hash}",
            events=report.events,
            position=report.head_position,
            hash=report.head_hash,
        ),
    )


async def check_copy(history: ServiceHistory) -> Finding:
    """The JetStream copy holds, in order, the database's events with the same hashes; what it lacks
    at its end is only what the outbox still waits to publish."""
    stored, copy, service = history.stored, history.copy, history.service
    assert stored is not None and copy is not None
    if copy.problem is not None:
        return Finding(
            service,
            Check.JETSTREAM,
            Verdict.BROKEN,
            copy.problem.text,
            await history.broken_event(copy.problem.position),
        )
    for position, hash in sorted(copy.hashes.items()):
        if stored.hashes.get(position) != hash:
            text = (
                _("position {position} is not in the database", position=position)
                if position not in stored.hashes
                else _("position {position} differs from the database", position=position)
            )
            return Finding(
                service, Check.JETSTREAM, Verdict.BROKEN, text, await history.broken_event(position)
            )
    last = max(copy.hashes, default=0)
    lost = sorted(p for p in stored.hashes if p > last and p not in stored.unrelayed)
    if lost:
        return Finding(
            service,
            Check.JETSTREAM,
            Verdict.BROKEN,
            _(
                "position {position} is missing: it was published (the outbox no longer holds it) but the copy ends at {last}",
                position=lost[0],
                last=last,
            ),
            await history.broken_event(lost[0]),
        )
    waiting = len(stored.hashes) - len(copy.hashes)
    if waiting > 0:
        return Finding(
            service,
            Check.JETSTREAM,
            Verdict.OK,
            _(
                "copy matches: {events} events; {waiting} in the outbox, not relayed yet",
                events=len(copy.hashes),
                waiting=waiting,
            ),
        )
    return Finding(
        service, Check.JETSTREAM, Verdict.OK, _("copy matches: {events} events", events=len(copy.hashes))
    )


async def check_against(
    history: ServiceHistory, checkpoints: list[SignedCheckpoint], check: Check, source: Message
) -> Finding:
    """Every copy of the history holds each checkpoint's hash at its position."""
    service, stored, copy = history.service, history.stored, history.copy
    agreed: SignedCheckpoint | None = None
    for cp in sorted(checkpoints, key=lambda c: (c.position, c.signed_at)):
        held = history.hashes_at(cp.position)
        differing = [name for name, value in held.items() if value != cp.hash]
        if not differing:
            agreed = cp
            continue
        signed = format_date(cp.signed_at)
        if stored is not None and cp.position > max(stored.hashes, default=0):
            text = _(
                "the checkpoint signed on {signed} covers position {position}; the database ends at {last}",
                signed=signed,
                position=cp.position,
                last=max(stored.hashes, default=0),
            )
            return Finding(
                service,
                check,
                Verdict.BROKEN,
                text,
                await history.broken_event(max(stored.hashes, default=0) + 1, [cp]),
            )
        first = _first_difference(stored, copy, cp.position)
        if first is not None and first != cp.position:
            text = _(
                "the {copies} hash at position {position} is not the one signed on {signed}: position {first} was altered and the chain re-hashed after it",
                copies=", ".join(differing),
                position=cp.position,
                signed=signed,
                first=first,
            )
            event = await history.broken_event(first, [cp])
            at_checkpoint = agreement(history.hashes_at(cp.position, [cp]))
            if at_checkpoint is not None:
                event = replace(
                    event,
                    agreement=_(
                        "at position {position}: {agreement}", position=cp.position, agreement=at_checkpoint
                    ),
                )
        else:
            after = agreed.position if agreed is not None else 0
            text = _(
                "the {copies} hash at position {position} is not the one signed on {signed}: an event after position {after} and up to {position} was altered, and the chain re-hashed after it",
                copies=", ".join(differing),
                position=cp.position,
                signed=signed,
                after=after,
            )
            event = await history.broken_event(cp.position, [cp])
        return Finding(service, check, Verdict.BROKEN, text, event)
    if agreed is None:
        return Finding(
            service,
            check,
            Verdict.NOT_CHECKED,
            _("no checkpoint of {service} ({source})", service=service, source=source),
        )
    return Finding(
        service,
        check,
        Verdict.OK,
        _(
            "{count} checkpoints ({source}) held by the history; the last at position {position}, signed on {signed} with key {key}",
            count=len(checkpoints),
            source=source,
            position=agreed.position,
            signed=format_date(agreed.signed_at),
            key=agreed.key_fingerprint,
        ),
    )


def _first_difference(stored: StoredHistory | None, copy: StreamCopy | None, until: int) -> int | None:
    """The first position up to ``until`` where the database and the JetStream copy differ."""
    if stored is None or copy is None:
        return None
    for position in range(1, until + 1):
        if stored.hashes.get(position) != copy.hashes.get(position):
            return position
    return None
