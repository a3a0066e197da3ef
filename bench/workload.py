"""The workload every benchmark shares: members admitted into branches, and a count per unit."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.membership import MemberJoined
from shared.events import Envelope, NewEvent
from shared.store.upsert import upsert

BRANCHES = 200
OCCURRED = datetime(2026, 3, 26, 2, 0, tzinfo=UTC)


def branch_path(i: int) -> str:
    branch = i % BRANCHES
    return f"vn.p{branch % 4}.p{branch % 4}-d{branch % 20}.u{branch % 60}.b{branch}"


def admissions(count: int, start: int = 0) -> list[NewEvent]:
    """``count`` admissions (MemberJoined), one stream per member, spread over the branches."""
    events = []
    for i in range(start, start + count):
        path = branch_path(i)
        payload = MemberJoined(
            member_id=f"m-{i:09d}",
            branch_id=path.rsplit(".", 1)[-1],
            joined_on=date(2026, 3, 26),
            admission_decision_ref=f"QĐ {i}/QĐ-ĐTN",
            birth_year=2000 + i % 10,
        )
        events.append(NewEvent(f"member-m-{i:09d}", payload, path, OCCURRED))
    return events


metadata = MetaData()
counts = Table(
    "bench_member_counts",
    metadata,
    Column("unit_id", String(63), primary_key=True),
    Column("members", Integer, nullable=False),
)


class MemberCounts:
    """Admitted members per unit, every ancestor included: the projection both sides build.

    It keeps the batch's increments in memory and writes them once per batch
    (a BufferedProjection), as a real projection on the hot path should.
    """

    name = "bench_member_counts"

    def __init__(self) -> None:
        self.pending: dict[str, int] = {}

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        if isinstance(event.payload, MemberJoined):
            for unit_id in event.unit_path.split("."):
                self.pending[unit_id] = self.pending.get(unit_id, 0) + 1

    async def flush(self, conn: AsyncConnection) -> None:
        rows = [{"unit_id": unit, "members": n} for unit, n in self.pending.items()]
        self.pending = {}
        await upsert(conn, counts, rows, keys=["unit_id"], add=["members"])

    def discard(self) -> None:
        self.pending = {}
