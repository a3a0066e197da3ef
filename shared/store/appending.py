"""What an append is, and how a group of appends is decided and written in one transaction.

A group is planned in memory first: each request is checked against the
streams' versions (as left by the requests before it in the group) and its
Idempotency-Key, and gets its positions and hashes; then everything the group
accepted is written with one statement per table (per 1,000 rows). A request
refused by the plan (a version conflict, a reused key) is refused alone.

A large append (a member list of 20,000 rows) is planned in a thread, so the
service keeps answering (its health check included) meanwhile.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events import Envelope, NewEvent
from shared.logging import current_correlation_id
from shared.store.errors import ConcurrencyError, IdempotencyConflictError
from shared.store.schema import events, idempotency, outbox

ANY_VERSION: None = None
"""Expected version meaning "whatever the stream holds"."""
NO_STREAM = 0
"""Expected version meaning "the stream must not exist yet"."""

InlineProjection = Callable[[AsyncConnection, Sequence[Envelope]], Awaitable[None]]

PLAN_INLINE = 200  # events a group may have to be planned on the event loop, not in a thread
_ROWS_PER_STATEMENT = 1000


def chain_hash(prev_hash: str, body: bytes) -> str:
    """The hash of one event: it covers the previous hash and the stored bytes, ciphertext included."""
    return hashlib.sha256(prev_hash.encode("ascii") + body).hexdigest()


@dataclass(frozen=True, slots=True)
class StreamAppend:
    """Events to append to one stream, expecting it at ``expected_version`` (None: any)."""

    stream_id: str
    events: Sequence[NewEvent]
    expected_version: int | None = ANY_VERSION


@dataclass(frozen=True, slots=True)
class IdempotentResult:
    """The answer kept for an ``Idempotency-Key``, returned again on a retry."""

    status_code: int
    body: Any


@dataclass(slots=True)
class Idempotency:
    """Ties an append to a client's ``Idempotency-Key`` and the answer it got."""

    key: str
    request_hash: str
    answer: Callable[[Sequence[Envelope]], IdempotentResult]
    replay: IdempotentResult | None = field(default=None)


@dataclass(slots=True)
class AppendRequest:
    appends: list[StreamAppend]
    actor: str
    correlation_id: str
    idempotency: Idempotency | None
    done: asyncio.Future[list[Envelope]]
    effects: InlineProjection | None = None
    envelopes: list[Envelope] = field(default_factory=list)
    error: Exception | None = None

    @classmethod
    def of(
        cls,
        appends: StreamAppend | Sequence[StreamAppend],
        actor: str,
        correlation_id: str | None,
        idempotency: Idempotency | None,
        effects: InlineProjection | None,
    ) -> AppendRequest:
        """An append of one stream's events or several streams', under the current correlation id
        unless it is given one; its answer is awaited on :attr:`done`."""
        return cls(
            [appends] if isinstance(appends, StreamAppend) else list(appends),
            actor,
            correlation_id or current_correlation_id(),
            idempotency,
            asyncio.get_running_loop().create_future(),
            effects,
        )


Head = tuple[int, str]
Build = Callable[[NewEvent, str, int, int, datetime, str, str], Envelope]


@dataclass(slots=True)
class GroupPlan:
    head: Head
    envelopes: list[Envelope] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)  # each envelope's stored bytes, serialised once
    remembered: list[dict[str, Any]] = field(default_factory=list)


async def current_versions(conn: AsyncConnection, stream_ids: Sequence[str]) -> dict[str, int]:
    unique = list(dict.fromkeys(stream_ids))
    versions: dict[str, int] = {}
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        rows = await conn.execute(
            select(events.c.stream_id, func.max(events.c.stream_version))
            .where(events.c.stream_id.in_(chunk))
            .group_by(events.c.stream_id)
        )
        versions.update({str(r[0]): int(r[1]) for r in rows})
    return versions


async def stored_answers(
    conn: AsyncConnection, keys: Sequence[str]
) -> dict[str, tuple[str, IdempotentResult]]:
    if not keys:
        return {}
    rows = await conn.execute(
        select(
            idempotency.c.key, idempotency.c.request_hash, idempotency.c.status_code, idempotency.c.response
        ).where(idempotency.c.key.in_(list(dict.fromkeys(keys))))
    )
    return {
        str(r.key): (str(r.request_hash), IdempotentResult(int(r.status_code), json.loads(r.response)))
        for r in rows
    }


def plan_group(
    group: Sequence[AppendRequest],
    head: Head,
    build: Build,
    now: datetime,
    answers: dict[str, tuple[str, IdempotentResult]],
    versions: dict[str, int],
) -> GroupPlan:
    """Decide every request of the group in order; set ``envelopes`` or ``error`` on each.

    ``answers`` and ``versions`` are what the database holds (read under the head's lock): the keys
    already answered and the streams' versions. Pure computation: it may run in a driver's thread.
    """
    plan = GroupPlan(head)
    for request in group:
        idem = request.idempotency
        if idem is not None and idem.key in answers:
            stored_hash, result = answers[idem.key]
            if stored_hash != idem.request_hash:
                request.error = IdempotencyConflictError(idem.key)
            else:
                idem.replay = result
            continue
        try:
            request.envelopes, bodies, plan.head, changed = _decide(request, versions, plan.head, build, now)
        except ConcurrencyError as exc:
            request.error = exc
            continue
        versions.update(changed)
        plan.envelopes += request.envelopes
        plan.bodies += bodies
        if idem is not None and request.envelopes:
            result = idem.answer(request.envelopes)
            answers[idem.key] = (idem.request_hash, result)
            plan.remembered.append(
                {
                    "key": idem.key,
                    "request_hash": idem.request_hash,
                    "status_code": result.status_code,
                    "response": json.dumps(result.body, default=str),
                    "created_at": now,
                }
            )
    return plan


async def read_and_plan(
    conn: AsyncConnection, group: Sequence[AppendRequest], head: Head, build: Build, now: datetime
) -> GroupPlan:
    """Read what the group's decisions need through ``conn``, then plan it (a large group in a thread,
    so the service keeps answering, its health check included, while thousands of events are hashed)."""
    keys = [r.idempotency.key for r in group if r.idempotency is not None]
    answers = await stored_answers(conn, keys)
    versions = await current_versions(conn, [a.stream_id for r in group for a in r.appends])
    if event_count(group) <= PLAN_INLINE:
        return plan_group(group, head, build, now, answers, versions)
    return await asyncio.to_thread(plan_group, group, head, build, now, answers, versions)


def event_count(group: Sequence[AppendRequest]) -> int:
    return sum(len(a.events) for r in group for a in r.appends)


def _decide(
    request: AppendRequest, versions: dict[str, int], head: Head, build: Build, now: datetime
) -> tuple[list[Envelope], list[bytes], Head, dict[str, int]]:
    position, prev_hash = head
    changed: dict[str, int] = {}
    envelopes: list[Envelope] = []
    bodies: list[bytes] = []
    for item in request.appends:
        actual = changed.get(item.stream_id, versions.get(item.stream_id, 0))
        if item.expected_version is not None and item.expected_version != actual:
            raise ConcurrencyError(item.stream_id, item.expected_version, actual)
        for new in item.events:
            actual += 1
            position += 1
            envelope = build(
                new, item.stream_id, actual, position, now, request.actor, request.correlation_id
            )
            body = envelope.body()
            envelope.prev_hash = prev_hash
            envelope.hash = prev_hash = chain_hash(prev_hash, body)
            envelopes.append(envelope)
            bodies.append(body)
        changed[item.stream_id] = actual
    return envelopes, bodies, (position, prev_hash), changed


def event_rows(plan: GroupPlan, start: int = 0, end: int | None = None) -> list[dict[str, Any]]:
    """The ``events`` rows of the plan's envelopes ``start:end``."""
    return [
        {
            "position": e.position,
            "event_id": str(e.event_id),
            "stream_id": e.stream_id,
            "stream_version": e.stream_version,
            "type": e.type,
            "unit_path": e.unit_path,
            "occurred_at": e.occurred_at,
            "recorded_at": e.recorded_at,
            "body": body,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e, body in zip(plan.envelopes[start:end], plan.bodies[start:end], strict=True)
    ]


async def write_planned(conn: AsyncConnection, plan: GroupPlan) -> None:
    """Write the group's events, outbox entries and answers: one statement per table and 1,000 rows."""
    for start in range(0, len(plan.envelopes), _ROWS_PER_STATEMENT):
        end = start + _ROWS_PER_STATEMENT
        await conn.execute(insert(events), event_rows(plan, start, end))
        await conn.execute(insert(outbox), [{"position": e.position} for e in plan.envelopes[start:end]])
    if plan.remembered:
        await conn.execute(insert(idempotency), plan.remembered)
