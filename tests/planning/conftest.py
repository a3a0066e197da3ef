"""A planning service against a real nats-server, fed by a membership history relayed as membership does.

Membership's events are appended to a store owned by "membership" and published by
the shared relay: planning learns the tree and the members only from the stream.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from chudong.nats.server import EmbeddedNats
from services.planning.main import create_app
from shared.bus.connection import connect
from shared.bus.keys import fixed_keys
from shared.bus.relay import Relay
from shared.bus.streams import ensure_streams
from shared.clock import FixedClock, start_of_day
from shared.contracts.membership import (
    MemberJoined,
    MemberMatured,
    MemberTransferAccepted,
    MemberTransferReleased,
    MemberTransferRequested,
    UnitClosed,
    UnitRegistered,
)
from shared.contracts.org import UnitLevel, UnitType
from shared.events import Event, NewEvent
from shared.settings import CommonSettings
from shared.store import Database, EventStore, StreamAppend
from tests.support import FOUNDED, create_postgres_database, running, token_for, wait_until

SECRET = "s" * 32
TODAY = datetime(2026, 12, 20, 3, 0, tzinfo=UTC)

# (unit, parent, level): a province with two districts, a grassroots union with three branches.
TREE: list[tuple[str, str | None, UnitLevel]] = [
    ("vn", None, UnitLevel.CENTRAL),
    ("bg", "vn", UnitLevel.PROVINCE),
    ("bg-pl", "bg", UnitLevel.DISTRICT),
    ("bg-vy", "bg", UnitLevel.DISTRICT),
    ("pl-x", "bg-pl", UnitLevel.GRASSROOTS),
    ("pl-x-1", "pl-x", UnitLevel.BRANCH),
    ("pl-x-2", "pl-x", UnitLevel.BRANCH),
    ("pl-x-3", "pl-x", UnitLevel.BRANCH),
    ("pl-x-9", "pl-x", UnitLevel.BRANCH),
    ("vy-y", "bg-vy", UnitLevel.GRASSROOTS),
    ("vy-y-1", "vy-y", UnitLevel.BRANCH),
]
MEMBERS = {
    "m-1": "pl-x-1",
    "m-2": "pl-x-1",
    "m-3": "pl-x-1",
    "m-4": "pl-x-2",
    "m-5": "pl-x-2",
    "m-9": "vy-y-1",
}
MATURED = "m-old"
CLOSED_BRANCH = "pl-x-9"


class Membership:
    """Membership's side, as membership writes it: its own store, relayed to its stream."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.paths: dict[str, str] = {}

    async def emit(
        self, stream_id: str, event: Event, path: str, on: datetime = datetime(2026, 1, 5, 2, tzinfo=UTC)
    ) -> None:
        new = NewEvent(stream_id, event, path, on)
        await self.store.append(StreamAppend(stream_id, [new]), actor="membership")

    async def register(self, unit_id: str, parent: str | None, level: UnitLevel) -> None:
        path = unit_id if parent is None else f"{self.paths[parent]}.{unit_id}"
        self.paths[unit_id] = path
        event = UnitRegistered(
            unit_id=unit_id,
            name=f"Đơn vị {unit_id}",
            level=level,
            unit_type=UnitType.COMMUNE_WARD,
            parent_id=parent,
            recognising_unit_id=parent if level is UnitLevel.GRASSROOTS else None,
            established_on=FOUNDED,
        )
        # Founded long before the records the tests date in the past, as membership records it.
        await self.emit(f"unit-{unit_id}", event, path, start_of_day(FOUNDED))

    async def close(self, unit_id: str) -> None:
        await self.emit(
            f"unit-{unit_id}", UnitClosed(unit_id=unit_id, reason="sáp nhập"), self.paths[unit_id]
        )

    async def admit(self, member_id: str, branch_id: str) -> None:
        event = MemberJoined(
            member_id=member_id,
            branch_id=branch_id,
            joined_on=date(2025, 3, 26),
            admission_decision_ref="QĐ 1",
        )
        await self.emit(f"member-{member_id}", event, self.paths[branch_id])

    async def transfer(self, member_id: str, from_branch: str, to_branch: str, on: date) -> None:
        """``member_id`` released by ``from_branch`` on ``on`` and taken in by ``to_branch`` the day after."""
        stream, transfer_id = f"member-{member_id}", f"t-{member_id}"
        await self.emit(stream, MemberTransferRequested(member_id=member_id, transfer_id=transfer_id,
                        from_branch_id=from_branch, to_branch_id=to_branch, requested_on=on),
                        self.paths[from_branch])  # fmt: skip
        released = MemberTransferReleased(member_id=member_id, transfer_id=transfer_id, released_on=on)
        await self.emit(stream, released, self.paths[from_branch])
        accepted = MemberTransferAccepted(
            member_id=member_id,
            transfer_id=transfer_id,
            to_branch_id=to_branch,
            accepted_on=on + timedelta(days=1),
        )
        await self.emit(stream, accepted, self.paths[to_branch])

    async def mature(self, member_id: str, branch_id: str) -> None:
        event = MemberMatured(member_id=member_id, matured_on=date(2026, 3, 1))
        await self.emit(f"member-{member_id}", event, self.paths[branch_id])


@dataclass
class Planning:
    client: httpx.AsyncClient
    app: FastAPI
    membership: Membership
    ids: dict[str, int] = field(default_factory=dict)

    def token(self, role: str, unit: str) -> dict[str, str]:
        return token_for(SECRET, role, unit)

    def new_id(self, prefix: str) -> str:
        """Ids unique within the module's shared service."""
        self.ids[prefix] = self.ids.get(prefix, 0) + 1
        return f"{prefix}-{self.ids[prefix]}"

    async def history_length(self) -> int:
        position, _ = await self.app.state.runtime.store.head()
        return int(position)

    async def post(
        self, url: str, body: Any, role: str = "union_secretary", unit: str = "pl-x", **kw: Any
    ) -> httpx.Response:
        return await self.client.post(
            url, json=body, headers={**self.token(role, unit), **kw.pop("headers", {})}, **kw
        )

    async def get(
        self, url: str, role: str = "union_secretary", unit: str = "pl-x", **kw: Any
    ) -> httpx.Response:
        return await self.client.get(url, headers=self.token(role, unit), **kw)


async def seed(membership: Membership) -> None:
    for unit_id, parent, level in TREE:
        await membership.register(unit_id, parent, level)
    for member_id, branch_id in MEMBERS.items():
        await membership.admit(member_id, branch_id)
    await membership.admit(MATURED, "pl-x-1")
    await membership.mature(MATURED, "pl-x-1")
    await membership.close(CLOSED_BRANCH)


async def caught_up(
    app: FastAPI, unit_id: str, member_id: str | None = None, branch_id: str | None = None
) -> None:
    """Wait until planning's copies know ``unit_id`` (and ``member_id``, in ``branch_id`` when given)."""
    from services.planning.adapters.members import branch_members

    runtime = app.state.runtime

    async def known() -> bool:
        if await runtime.directory.get(unit_id) is None:
            return False
        if member_id is None:
            return True
        async with runtime.db.read() as conn:
            row = (
                await conn.execute(select(branch_members).where(branch_members.c.member_id == member_id))
            ).first()
        return row is not None and branch_id in (None, row.branch_id)

    await wait_until(known, timeout=20)


@contextlib.asynccontextmanager
async def running_planning(
    nats: EmbeddedNats, data_dir: Path, database_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLANNING_DATABASE_URL", database_url)
        patch.delenv("PLANNING_EVIDENCE_DIR", raising=False)
        app = create_app(
            CommonSettings(data_dir=data_dir, nats_url=nats.url, jwt_secret=SECRET), clock=FixedClock(TODAY)
        )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://planning") as client,
    ):
        yield client, app


@contextlib.asynccontextmanager
async def membership_side(nats: EmbeddedNats, database_url: str) -> AsyncIterator[Membership]:
    db = Database(database_url)
    store = EventStore(db, "membership")
    await store.initialise()
    nc = await connect(nats.url, name="membership-relay")
    js = nc.jetstream()
    await ensure_streams(js, duplicate_window=120)
    relay = Relay(db, js, "membership", keys=fixed_keys("membership"), wake=store.appended, idle_wait=0.05)
    try:
        async with running(relay.run()):
            yield Membership(store)
    finally:
        await nc.close()
        await db.dispose()


@pytest.fixture(scope="module")
async def planning(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Planning]:
    """One planning service for a module's tests, on SQLite; each test uses ids of its own."""
    root = tmp_path_factory.mktemp("planning")
    nats = EmbeddedNats(root / "nats").start()
    try:
        async with membership_side(nats, f"sqlite+aiosqlite:///{root / 'membership.db'}") as membership:
            await seed(membership)
            async with running_planning(nats, root, f"sqlite+aiosqlite:///{root / 'planning.db'}") as (
                client,
                app,
            ):
                await caught_up(app, CLOSED_BRANCH, MATURED)
                await wait_until(lambda: _closed(app, CLOSED_BRANCH), timeout=20)
                yield Planning(client, app, membership)
    finally:
        nats.stop()


async def _closed(app: FastAPI, unit_id: str) -> bool:
    unit = await app.state.runtime.directory.get(unit_id)
    return unit is not None and not unit.is_active


def errors_of(answer: httpx.Response) -> dict[str, Any]:
    """The first error detail of a refusal: its rule, field, value and what is accepted."""
    body = answer.json()
    detail: dict[str, Any] = body["detail"][0]
    return {"error": body["error"], **detail}


__all__ = ["Planning", "Sequence", "create_postgres_database", "errors_of"]
