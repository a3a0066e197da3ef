"""Planning's copy of who was a member of which branch, and when, built from membership's events.

Planning names members only by their pseudonymous ids; this copy lets it check that
attendance names members of the branch that met on the day it met, without calling
membership. ``planning_members`` holds each member's branch and status now;
``planning_member_steps`` every change of their status (admitted, released, taken in,
returned, aged out, struck off, expelled) by the version of their stream, so that the
member's time in each branch is folded in their stream's order
(:mod:`shared.contracts.member_stays`, as membership folds it), whatever order the
changes arrived in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.planning.domain.branch_life import MemberInfo
from shared.contracts.member_status import STATUS_EVENTS, MemberStatus, StatusChange, status_change
from shared.contracts.member_stays import stays_of
from shared.contracts.membership import MemberJoined, MemberMatured, MemberStruckOff, MemberTransferAccepted
from shared.events import Envelope
from shared.store.columns import member_place_columns, person_id, unit_id
from shared.store.upsert import upsert

metadata = MetaData()

branch_members = Table(
    "planning_members",
    metadata,
    *member_place_columns(index=True),
)

member_steps = Table(
    "planning_member_steps",
    metadata,
    person_id("member_id", primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),  # of the member's stream
    Column("status", String(20), nullable=False),  # their status from that day
    Column("changed_on", Date, nullable=False),
    # The branch the change takes them into (admitted, taken in); None: the one they were in.
    unit_id("branch_id", nullable=True, index=True),
)

_CHUNK = 500


class MemberRosterProjection:
    """Keeps ``planning_members`` and ``planning_member_steps`` from membership's changes of status."""

    name = "member_roster"
    tables = (branch_members, member_steps)  # what a rebuild swaps in (shared.runtime.rebuild)
    event_types = STATUS_EVENTS  # the consumer does not even decode the others

    async def apply(self, conn: AsyncConnection, event: Envelope) -> None:
        payload = event.payload
        change = status_change(payload)
        if change is None:
            return
        step = {
            "member_id": change.member_id,
            "version": event.stream_version,
            "status": change.status.value,
            "changed_on": change.on,
            "branch_id": change.branch_id,
        }
        await upsert(conn, member_steps, step, keys=["member_id", "version"])
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
    """The members planning knows among ``member_ids``, with their time in each branch."""
    ids = list(dict.fromkeys(member_ids))
    changes: dict[str, list[tuple[int, StatusChange]]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        rows = await conn.execute(
            select(member_steps).where(member_steps.c.member_id.in_(ids[start : start + _CHUNK]))
        )
        for r in rows:
            change = StatusChange(r.member_id, MemberStatus(r.status), r.changed_on, r.branch_id)
            changes[r.member_id].append((r.version, change))
    return {
        member_id: MemberInfo(member_id, stays_of(change for _, change in sorted(steps, key=lambda s: s[0])))
        for member_id, steps in changes.items()
    }


async def members_ever_in(conn: AsyncConnection, branch_ids: Iterable[str]) -> list[MemberInfo]:
    """Every member who was ever admitted or taken into one of the branches, with their time in each."""
    query = select(member_steps.c.member_id).where(member_steps.c.branch_id.in_(list(branch_ids))).distinct()
    ids = [r[0] for r in await conn.execute(query)]
    return list((await members_by_id(conn, ids)).values())
