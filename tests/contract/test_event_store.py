"""The event store's contract: the same tests run on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy import delete, func, select, update

from shared.clock import utcnow
from shared.events import Envelope
from shared.store import (
    ConcurrencyError,
    Database,
    EventStore,
    IdempotencyConflictError,
    IdempotentResult,
    verify_chain,
)
from shared.store import StreamAppend as Append
from shared.store.event_store import Idempotency
from shared.store.schema import events, outbox
from tests.contract.promises import a_version_mismatch_is_refused, appends_read_back_in_order
from tests.support import member_event, wait_until


async def count(db: Database, table: object) -> int:
    async with db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[arg-type]


async def test_appended_events_read_back_in_order_with_positions_and_versions(store: EventStore) -> None:
    await appends_read_back_in_order(store)


async def test_expected_version_mismatch_is_refused_and_stores_nothing(store: EventStore) -> None:
    await a_version_mismatch_is_refused(store)
    assert await count(store.db, events) == 1
    assert await count(store.db, outbox) == 1


async def test_two_writers_race_on_one_stream_and_exactly_one_wins(database_url: str) -> None:
    writers = [Database(database_url), Database(database_url)]
    stores = [EventStore(db, "membership") for db in writers]
    await stores[0].initialise()
    try:
        results = await asyncio.gather(
            *(
                s.append(Append("member-x", [member_event("x", "a")], 0), actor=f"writer-{i}")
                for i, s in enumerate(stores)
            ),
            return_exceptions=True,
        )
        winners = [r for r in results if isinstance(r, list)]
        losers = [r for r in results if isinstance(r, ConcurrencyError)]
        assert len(winners) == 1 and len(losers) == 1
        stored = await stores[0].read_stream("member-x")
        assert [e.event_id for e in stored] == [winners[0][0].event_id]
        assert await count(writers[0], outbox) == 1
    finally:
        for db in writers:
            await db.dispose()


async def test_outbox_is_written_with_the_events_in_one_transaction(store: EventStore) -> None:
    async def failing_projection(conn: object, envelopes: object) -> None:
        raise RuntimeError("read model refused")

    await store.append(Append("member-1", [member_event("1", "a")], 0), actor="t")
    store.add_inline_projection(failing_projection)
    with pytest.raises(RuntimeError):
        await store.append(Append("member-2", [member_event("2", "a")], 0), actor="t")
    assert await count(store.db, events) == 1
    async with store.db.read() as conn:
        assert [r[0] for r in await conn.execute(select(outbox.c.position))] == [1]


async def test_an_idempotency_key_stores_the_events_once_and_gives_the_same_answer(store: EventStore) -> None:
    def answer(envs: object) -> IdempotentResult:
        return IdempotentResult(201, {"positions": [e.position for e in envs]})  # type: ignore[attr-defined]

    first = Idempotency("key-1", "hash-a", answer)
    stored = await store.append(Append("member-1", [member_event("1", "a")]), actor="t", idempotency=first)
    retry = Idempotency("key-1", "hash-a", answer)
    again = await store.append(Append("member-1", [member_event("1", "a")]), actor="t", idempotency=retry)
    assert len(stored) == 1 and again == []
    assert retry.replay == IdempotentResult(201, {"positions": [1]})
    assert await store.find_idempotent("key-1", "hash-a") == IdempotentResult(201, {"positions": [1]})
    with pytest.raises(IdempotencyConflictError):
        await store.find_idempotent("key-1", "hash-b")
    assert await count(store.db, events) == 1


async def test_answers_older_than_the_retention_are_forgotten_and_newer_ones_kept(store: EventStore) -> None:
    def answer(envs: object) -> IdempotentResult:
        return IdempotentResult(201, {})

    await store.append(
        Append("member-1", [member_event("1", "a")]), actor="t", idempotency=Idempotency("old", "h", answer)
    )
    cutoff = utcnow()
    await wait_until(lambda: utcnow() > cutoff, what="the clock past the cutoff")
    await store.append(
        Append("member-2", [member_event("2", "a")]), actor="t", idempotency=Idempotency("new", "h", answer)
    )
    assert await store.forget_idempotency_keys(cutoff) == 1
    assert await store.find_idempotent("old", "h") is None
    assert await store.find_idempotent("new", "h") == IdempotentResult(201, {})
    assert await count(store.db, events) == 2


async def _history(store: EventStore, n: int = 5) -> list[Envelope]:
    appended: list[Envelope] = []
    for i in range(n):
        appended += await store.append(Append(f"member-{i}", [member_event(str(i), "a")], 0), actor="t")
    return appended


async def test_the_hash_chain_of_an_untouched_history_verifies(store: EventStore) -> None:
    appended = await _history(store)
    report = await verify_chain(store.db)
    assert report.ok and report.events == 5 and report.head_hash == appended[-1].hash


async def test_an_altered_event_breaks_verification_at_that_event(store: EventStore) -> None:
    appended = await _history(store)
    async with store.db.transaction() as conn:
        body = (await conn.execute(select(events.c.body).where(events.c.position == 3))).scalar_one()
        await conn.execute(
            update(events)
            .where(events.c.position == 3)
            .values(body=bytes(body).replace("QĐ 2".encode(), "QĐ 9".encode()))
        )
    report = await verify_chain(store.db)
    assert report.first_break is not None
    assert report.first_break.position == 3 and report.first_break.event_id == str(appended[2].event_id)
    assert "altered" in report.first_break.reason


async def test_a_deleted_event_is_reported_missing(store: EventStore) -> None:
    await _history(store)
    async with store.db.transaction() as conn:
        await conn.execute(delete(events).where(events.c.position == 2))
    report = await verify_chain(store.db)
    assert report.first_break is not None and report.first_break.position == 2
    assert "missing" in report.first_break.reason


async def test_reordered_events_are_reported_out_of_place(store: EventStore) -> None:
    await _history(store)
    async with store.db.transaction() as conn:
        rows = {
            r.position: r for r in await conn.execute(select(events).where(events.c.position.in_([2, 3])))
        }
        for position in (2, 3):
            await conn.execute(
                update(events)
                .where(events.c.position == position)
                .values(event_id=f"tmp-{position}", stream_id=f"tmp-{position}")
            )
        for position, other in ((2, 3), (3, 2)):
            source = rows[other]
            await conn.execute(
                update(events)
                .where(events.c.position == position)
                .values(
                    event_id=source.event_id,
                    stream_id=source.stream_id,
                    body=source.body,
                    prev_hash=source.prev_hash,
                    hash=source.hash,
                    type=source.type,
                    unit_path=source.unit_path,
                )
            )
    report = await verify_chain(store.db)
    assert report.first_break is not None and report.first_break.position == 2
    assert "out of place" in report.first_break.reason


async def test_concurrent_appends_commit_together_and_one_failure_leaves_the_others_whole(
    store: EventStore,
) -> None:
    await store.append(Append("member-taken", [member_event("taken", "a")], 0), actor="t")
    requests = [
        store.append(Append(f"member-{i}", [member_event(str(i), "a")], 0), actor="t") for i in range(40)
    ]
    requests.insert(17, store.append(Append("member-taken", [member_event("taken", "a")], 0), actor="t"))
    results = await asyncio.gather(*requests, return_exceptions=True)
    assert [type(r) for r in results].count(ConcurrencyError) == 1
    assert isinstance(results[17], ConcurrencyError)
    stored = await store.read_all(limit=100)
    assert [e.position for e in stored] == list(range(1, 42))
    assert len({e.stream_id for e in stored}) == 41
    assert (await verify_chain(store.db)).ok
    assert await count(store.db, outbox) == 41


async def test_a_read_model_that_refuses_one_append_of_a_group_refuses_that_one_only(
    store: EventStore,
) -> None:
    async def refuse_member_13(conn: object, envelopes: Sequence[Envelope]) -> None:
        if any(e.stream_id == "member-13" for e in envelopes):
            raise RuntimeError("read model refused member 13")

    store.add_inline_projection(refuse_member_13)
    results = await asyncio.gather(
        *(store.append(Append(f"member-{i}", [member_event(str(i), "a")], 0), actor="t") for i in range(30)),
        return_exceptions=True,
    )
    assert [i for i, r in enumerate(results) if isinstance(r, Exception)] == [13]
    stored = await store.read_all(limit=100)
    assert sorted(e.stream_id for e in stored) == sorted(f"member-{i}" for i in range(30) if i != 13)
    assert [e.position for e in stored] == list(range(1, 30))
    assert (await verify_chain(store.db)).ok


async def test_effects_are_written_with_their_append_and_only_with_it(store: EventStore) -> None:
    seen: list[list[str]] = []

    async def remember(conn: object, envelopes: Sequence[Envelope]) -> None:
        seen.append([e.stream_id for e in envelopes])

    await store.append(Append("member-1", [member_event("1", "a")], 0), actor="t", effects=remember)
    with pytest.raises(ConcurrencyError):
        await store.append(Append("member-1", [member_event("1", "a")], 0), actor="t", effects=remember)
    assert seen == [["member-1"]]


async def test_an_append_inside_a_callers_transaction_is_stored_with_it_or_not_at_all(
    store: EventStore,
) -> None:
    async with store.db.transaction() as conn:
        written = await store.append_in(conn, Append("member-1", [member_event("1", "a")], 0), actor="t")
    assert [e.position for e in written] == [1]
    with pytest.raises(RuntimeError):
        async with store.db.transaction() as conn:
            await store.append_in(conn, Append("member-2", [member_event("2", "a")], 0), actor="t")
            raise RuntimeError("the caller's read model failed")
    assert [e.stream_id for e in await store.read_all()] == ["member-1"]
    await store.append(Append("member-3", [member_event("3", "a")], 0), actor="t")
    assert (await verify_chain(store.db)).ok
