"""Planning's copies of the org tree and the member roster catch up after planning was stopped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.bus.nats_server import EmbeddedNats
from shared.contracts.membership import UnitRenamed
from shared.contracts.org import UnitLevel
from tests.planning.conftest import (
    SECRET,
    caught_up,
    membership_side,
    running_planning,
)
from tests.support import create_postgres_database, token_for, wait_until


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def planning_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'planning.db'}"
        return
    url, drop = await create_postgres_database()
    yield url
    await drop()


async def test_the_tree_copy_catches_up_after_planning_was_stopped_while_membership_changed_it(
    nats_server: EmbeddedNats, tmp_path: Path, planning_database: str
) -> None:
    secretary = token_for(SECRET, "union_secretary", "pl-x")
    meeting = {"held_on": "2026-10-05", "kind": "periodic"}
    async with membership_side(
        nats_server, f"sqlite+aiosqlite:///{tmp_path / 'membership.db'}"
    ) as membership:
        for unit_id, parent, level in [
            ("vn", None, UnitLevel.CENTRAL),
            ("bg", "vn", UnitLevel.PROVINCE),
            ("bg-pl", "bg", UnitLevel.DISTRICT),
            ("pl-x", "bg-pl", UnitLevel.GRASSROOTS),
            ("pl-x-1", "pl-x", UnitLevel.BRANCH),
        ]:
            await membership.register(unit_id, parent, level)
        await membership.admit("m-1", "pl-x-1")
        async with running_planning(nats_server, tmp_path, planning_database) as (client, app):
            await caught_up(app, "pl-x-1", "m-1")
            held = await client.post(
                "/branches/pl-x-1/meetings", json=meeting | {"attendees": ["m-1"]}, headers=secretary
            )
            assert held.status_code == 201, held.text
            unknown = await client.post("/branches/pl-x-2/meetings", json=meeting, headers=secretary)
            assert unknown.status_code == 404 and unknown.json()["detail"][0]["value"] == "pl-x-2"

        # Planning is stopped; membership goes on changing the tree.
        await membership.register("pl-x-2", "pl-x", UnitLevel.BRANCH)
        await membership.admit("m-2", "pl-x-2")
        await membership.emit(
            "unit-pl-x-2", UnitRenamed(unit_id="pl-x-2", name="Chi đoàn thôn Mới"), "vn.bg.bg-pl.pl-x.pl-x-2"
        )
        await membership.close("pl-x-1")

        async with running_planning(nats_server, tmp_path, planning_database) as (client, app):
            directory = app.state.runtime.directory

            async def closed_and_renamed() -> bool:
                old, new = await directory.get("pl-x-1"), await directory.get("pl-x-2")
                return (
                    old is not None
                    and not old.is_active
                    and new is not None
                    and new.name == "Chi đoàn thôn Mới"
                )

            await caught_up(app, "pl-x-2", "m-2")
            await wait_until(closed_and_renamed, timeout=20)
            moved_on = await client.post(
                "/branches/pl-x-2/meetings", json=meeting | {"attendees": ["m-2"]}, headers=secretary
            )
            assert moved_on.status_code == 201, moved_on.text
            closed = await client.post(
                "/branches/pl-x-1/meetings", json=meeting | {"attendees": ["m-1"]}, headers=secretary
            )
            assert closed.status_code == 422 and closed.json()["detail"][0]["rule"] == "unit_closed"
            # The first meeting is still there, counted for the closed branch.
            listed = (await client.get("/units/pl-x/meetings?month=2026-10", headers=secretary)).json()
            assert {b["branch_id"]: b["meetings_per_month"]["2026-10"] for b in listed["branches"]} == {
                "pl-x-1": 1,
                "pl-x-2": 1,
            }
