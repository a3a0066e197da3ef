"""Verification of a service's hash chain: nothing altered, dropped or reordered."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from shared.i18n import Message, _
from shared.store.database import Database
from shared.store.event_store import chain_hash
from shared.store.schema import GENESIS_HASH, chain_head, events


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place where the history is not what its chain says."""

    position: int
    event_id: str | None
    message: Message

    @property
    def reason(self) -> str:
        return self.message.render("en")

    def __str__(self) -> str:
        at = f"position {self.position}" + (f" (event {self.event_id})" if self.event_id else "")
        return f"{at}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ChainReport:
    events: int
    head_position: int
    head_hash: str
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


_COPIED = ("event_id", "stream_id", "stream_version", "type", "unit_path")


async def verify_chain(db: Database, *, batch: int = 5000) -> ChainReport:
    """Walk the history in position order and check every link of the chain.

    A position missing from the sequence is a deleted event; a hash that does not
    match its bytes is an altered event; a previous-hash that does not match the
    event before is a reordered or inserted one.
    """
    expected_prev = GENESIS_HASH
    expected_position = 1
    count = 0
    columns = [
        events.c.position,
        events.c.body,
        events.c.prev_hash,
        events.c.hash,
        *(events.c[c] for c in _COPIED),
    ]
    async with db.read() as conn:
        head = (await conn.execute(select(chain_head.c.position, chain_head.c.hash))).one()
        after = 0
        while True:
            rows = (
                await conn.execute(
                    select(*columns).where(events.c.position > after).order_by(events.c.position).limit(batch)
                )
            ).all()
            for row in rows:
                problem = _check_row(row, expected_position, expected_prev)
                if problem is not None:
                    return ChainReport(count, int(head.position), str(head.hash), problem)
                expected_prev = row.hash
                expected_position += 1
                count += 1
            if len(rows) < batch:
                break
            after = rows[-1].position
    if int(head.position) != expected_position - 1 or (count and head.hash != expected_prev):
        problem = ChainBreak(
            expected_position,
            None,
            _("the chain head says {head} events; {count} are stored", head=int(head.position), count=count),
        )
        return ChainReport(count, int(head.position), str(head.hash), problem)
    return ChainReport(count, int(head.position), str(head.hash), None)


def _check_row(row: object, expected_position: int, expected_prev: str) -> ChainBreak | None:
    position = int(row.position)  # type: ignore[attr-defined]
    event_id = str(row.event_id)  # type: ignore[attr-defined]
    if position != expected_position:
        return ChainBreak(
            expected_position,
            None,
            _("missing: the next stored event is at position {position}", position=position),
        )
    if row.prev_hash != expected_prev:  # type: ignore[attr-defined]
        return ChainBreak(
            position, event_id, _("out of place: its previous hash is not the hash of the event before")
        )
    body: bytes = row.body  # type: ignore[attr-defined]
    if chain_hash(expected_prev, body) != row.hash:  # type: ignore[attr-defined]
        return ChainBreak(position, event_id, _("altered: its stored bytes do not match its hash"))
    try:
        data = json.loads(body)
    except ValueError:
        return ChainBreak(position, event_id, _("unreadable: its stored bytes are not JSON"))
    if data.get("position") != position:
        return ChainBreak(
            position,
            event_id,
            _("out of place: its bytes say position {said}", said=str(data.get("position"))),
        )
    for column in _COPIED:
        if str(data.get(column)) != str(getattr(row, column)):
            return ChainBreak(
                position, event_id, _("altered: column {column} differs from the hashed bytes", column=column)
            )
    return None
