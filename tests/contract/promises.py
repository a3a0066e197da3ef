"""What every event store promises, checked on the real one (SQLite, PostgreSQL) and on the in-memory one."""

from __future__ import annotations

import pytest

from shared.store import ConcurrencyError, EventStore
from shared.store import StreamAppend as Append
from tests.support import member_event, unit_event


async def appends_read_back_in_order(store: EventStore) -> None:
    """Two appends of three events read back in order, with positions and versions."""
    first = await store.append(Append("unit-a", [unit_event("a", None, "a")], 0), actor="t")
    more = await store.append(
        [Append("member-1", [member_event("1", "a")], 0), Append("member-2", [member_event("2", "a")], 0)],
        actor="t",
    )
    assert [e.position for e in [*first, *more]] == [1, 2, 3]
    stream = await store.read_stream("member-2")
    assert [(e.stream_version, e.type, e.payload) for e in stream] == [
        (1, "MemberJoined", member_event("2", "a").payload)
    ]
    assert [e.event_id for e in await store.read_all()] == [e.event_id for e in [*first, *more]]
    assert await store.head() == (3, more[-1].hash)


async def a_version_mismatch_is_refused(store: EventStore) -> None:
    """An append whose second stream is not at its expected version stores neither stream's events."""
    await store.append(Append("member-1", [member_event("1", "a")], 0), actor="t")
    with pytest.raises(ConcurrencyError) as refused:
        await store.append(
            [
                Append("member-2", [member_event("2", "a")], 0),
                Append("member-1", [member_event("1", "a")], 0),
            ],
            actor="t",
        )
    assert refused.value.stream_id == "member-1" and refused.value.actual == 1
    assert await store.stream_version("member-2") == 0
