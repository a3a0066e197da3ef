"""Planning's copy of who is a member of which branch, built from membership's events.

Planning names members only by their pseudonymous ids; this copy lets it check that
attendance names members of the branch that met, without calling membership.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import MetaData, Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.planning.domain.branch_life import MemberInfo
from shared.contracts.membership import MemberJoined, MemberMatured, MemberStruckOff, MemberTransferAccepted
from shared.events import Envelope
from shared.store.columns import member_place_columns
from shared.store.upsert import upsert

metadata = MetaData()

branch_members = Table(
    "planning_members",
    metadata,
    *member_place_columns(index=True),
)


class MemberRosterProjection:
    """Keeps ``planning_members`` from MemberJoined, MemberTransferAccepted, MemberMatured, MemberStruckOff."""

    name = "member_roster"
    tables = (branch_members,)  # what a rebuild swaps in (shared.runtime.rebuild)

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        payload = event.payload
        if isinstance(payload, MemberJoined):
            row = {"member_id": payload.member_id, "branch_id": payload.branch_id, "status": "active"}
            await upsert(conn, branch_members, row, keys=["member_id"], replace=["branch_id", "status"])
        elif isinstance(payload, MemberTransferAccepted):
            await self._set(conn, payload.member_id, branch_id=payload.to_branch_id)
        elif isinstance(payload, MemberMatured):
            await self._set(conn, payload.member_id, status="matured")
        elif isinstance(payload, MemberStruckOff):
            await self._set(conn, payload.member_id, status="struck_off")

    @staticmethod
    async def _set(conn: AsyncConnection, member_id: str, **values: str) -> None:
        await conn.execute(
            update(branch_members).where(branch_members.c.member_id == member_id).values(**values)
        )


async def members_by_id(conn: AsyncConnection, member_ids: Iterable[str]) -> dict[str, MemberInfo]:
    ids = list(dict.fromkeys(member_ids))
    found: dict[str, MemberInfo] = {}
    for start in range(0, len(ids), 500):
        rows = await conn.execute(
            select(branch_members).where(branch_members.c.member_id.in_(ids[start : start + 500]))
        )
        for r in rows:
            found[r.member_id] = MemberInfo(r.member_id, r.branch_id, r.status == "active")
    return found


async def active_count(conn: AsyncConnection, branch_ids: Iterable[str]) -> int:
    query = (
        select(func.count())
        .select_from(branch_members)
        .where(branch_members.c.branch_id.in_(list(branch_ids)), branch_members.c.status == "active")
    )
    return int((await conn.execute(query)).scalar_one())
