"""The in-memory store keeps the store's contract (tests/contract/test_event_store.py), so the fast tier's
handler tests see the conflicts and replays the real store gives."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from shared.clock import FixedClock
from shared.events import Envelope
from shared.store import ConcurrencyError, IdempotencyConflictError, IdempotentResult
from shared.store import StreamAppend as Append
from shared.store.event_store import Idempotency, chain_hash
from shared.store.schema import GENESIS_HASH
from tests.contract.promises import a_version_mismatch_is_refused, appends_read_back_in_order
from tests.fakes import InMemoryEventStore
from tests.support import member_event


def answer(envs: Sequence[Envelope]) -> IdempotentResult:
    return IdempotentResult(201, {"positions": [e.position for e in envs]})


async def test_appended_events_read_back_in_order_with_positions_versions_and_a_chain() -> None:
    store = InMemoryEventStore("membership")
    await appends_read_back_in_order(store)
    history = await store.read_all()
    assert [e.event_id for e in await store.read_all(after=1, limit=1)] == [history[1].event_id]
    prev = GENESIS_HASH
    for envelope in history:
        assert envelope.prev_hash == prev and envelope.hash == chain_hash(prev, envelope.body())
        prev = envelope.hash


async def test_expected_version_mismatch_is_refused_and_stores_nothing() -> None:
    store = InMemoryEventStore("membership")
    await a_version_mismatch_is_refused(store)
    assert len(await store.read_all()) == 1


async def test_an_idempotency_key_stores_the_events_once_and_gives_the_same_answer() -> None:
    store = InMemoryEventStore("membership")
    stored = await store.append(
        Append("member-1", [member_event("1", "a")]), actor="t", idempotency=Idempotency("k", "h", answer)
    )
    retry = Idempotency("k", "h", answer)
    again = await store.append(Append("member-1", [member_event("1", "a")]), actor="t", idempotency=retry)
    assert len(stored) == 1 and again == []
    assert retry.replay == IdempotentResult(201, {"positions": [1]})
    with pytest.raises(IdempotencyConflictError):
        await store.append(
            Append("member-1", [member_event("1", "a")]),
            actor="t",
            idempotency=Idempotency("k", "other", answer),
        )
    assert len(await store.read_all()) == 1


async def test_answers_recorded_before_the_cutoff_are_forgotten() -> None:
    clock = FixedClock(datetime(2026, 12, 1, tzinfo=UTC))
    store = InMemoryEventStore("membership", clock=clock)
    await store.append(
        Append("member-1", [member_event("1", "a")]), actor="t", idempotency=Idempotency("old", "h", answer)
    )
    clock.advance(timedelta(minutes=1))
    cutoff = clock.now()
    await store.append(
        Append("member-2", [member_event("2", "a")]), actor="t", idempotency=Idempotency("new", "h", answer)
    )
    assert await store.forget_idempotency_keys(cutoff) == 1
    assert await store.find_idempotent("old", "h") is None
    assert await store.find_idempotent("new", "h") == IdempotentResult(201, {"positions": [2]})


async def test_effects_run_with_their_append_only_and_a_failing_one_stores_nothing() -> None:
    store = InMemoryEventStore("membership")
    seen: list[list[str]] = []

    async def remember(conn: object, envelopes: Sequence[Envelope]) -> None:
        seen.append([e.stream_id for e in envelopes])

    async def refuse(conn: object, envelopes: Sequence[Envelope]) -> None:
        raise RuntimeError("effect refused")

    await store.append(Append("member-1", [member_event("1", "a")], 0), actor="t", effects=remember)
    with pytest.raises(ConcurrencyError):
        await store.append(Append("member-1", [member_event("1", "a")], 0), actor="t", effects=remember)
    with pytest.raises(RuntimeError):
        await store.append(Append("member-2", [member_event("2", "a")], 0), actor="t", effects=refuse)
    assert seen == [["member-1"]]
    assert [e.stream_id for e in await store.read_all()] == ["member-1"]
    assert await store.stream_version("member-2") == 0
