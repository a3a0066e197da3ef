"""Planning's copies of the org tree and the member roster catch up after planning was stopped."""

from __future__ import annotations

from pathlib import Path

from chudong.nats.server import EmbeddedNats
from shared.contracts.membership import UnitRenamed
from shared.contracts.org import UnitLevel
from tests.planning.conftest import (
    SECRET,
    caught_up,
    membership_side,
    running_planning,
)
from tests.support import token_for, wait_until

# Down to a grassroots union; planning's database is SQLite's or PostgreSQL's (database_url).
UNION = [
    ("vn", None, UnitLevel.CENTRAL),
    ("bg", "vn", UnitLevel.PROVINCE),
    ("bg-pl", "bg", UnitLevel.DISTRICT),
    ("pl-x", "bg-pl", UnitLevel.GRASSROOTS),
]


async def test_the_tree_copy_catches_up_after_planning_was_stopped_while_membership_changed_it(
    nats_server: EmbeddedNats, tmp_path: Path, database_url: str
) -> None:
    secretary = token_for(SECRET, "union_secretary", "pl-x")
    meeting = {"held_on": "2026-10-05", "kind": "periodic"}
    async with membership_side(
        nats_server, f"sqlite+aiosqlite:///{tmp_path / 'membership.db'}"
    ) as membership:
        for unit_id, parent, level in [*UNION, ("pl-x-1", "pl-x", UnitLevel.BRANCH)]:
            await membership.register(unit_id, parent, level)
        await membership.admit("m-1", "pl-x-1")
        async with running_planning(nats_server, tmp_path, database_url) as (client, app):
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

        async with running_planning(nats_server, tmp_path, database_url) as (client, app):
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
            # Closed on 5 January (as membership recorded it): a meeting after that is outside its life.
            assert closed.status_code == 422 and closed.json()["detail"][0]["rule"] == "outside_unit_dates"
            # The first meeting is still there, counted for the closed branch.
            listed = (await client.get("/units/pl-x/meetings?month=2026-10", headers=secretary)).json()
            assert {b["branch_id"]: b["meetings_per_month"]["2026-10"] for b in listed["branches"]} == {
                "pl-x-1": 1,
                "pl-x-2": 1,
            }


async def test_plans_work_and_evidence_are_kept_alike_on_each_database(
    nats_server: EmbeddedNats, tmp_path: Path, database_url: str
) -> None:
    secretary = token_for(SECRET, "union_secretary", "pl-x")
    officer = token_for(SECRET, "district_officer", "bg-pl")
    async with membership_side(
        nats_server, f"sqlite+aiosqlite:///{tmp_path / 'membership.db'}"
    ) as membership:
        for unit_id, parent, level in UNION:
            await membership.register(unit_id, parent, level)
        async with running_planning(nats_server, tmp_path, database_url) as (client, app):
            await caught_up(app, "pl-x")
            drafted = await client.put(
                "/units/pl-x/plans/2026/annual_plan", json={"title": "KH 2026"}, headers=secretary
            )
            plan = drafted.json()["plan_id"]
            steps = [
                (
                    f"/plans/{plan}/submissions",
                    {"submitted_to": "upper_level", "submitted_on": "2026-01-10"},
                    secretary,
                ),
                (
                    f"/plans/{plan}/return",
                    {"returned_on": "2026-01-11", "reasons": ["Bổ sung chỉ tiêu"]},
                    officer,
                ),
                (
                    f"/plans/{plan}/submissions",
                    {"submitted_to": "upper_level", "submitted_on": "2026-01-12"},
                    secretary,
                ),
                (f"/plans/{plan}/approval", {"approved_on": "2026-01-13"}, officer),
            ]
            for url, body, token in steps:
                answer = await client.post(url, json=body, headers=token)
                assert answer.status_code == 201, (url, answer.text)
            view = (await client.get(f"/plans/{plan}", headers=secretary)).json()
            assert (view["status"], view["returns"][0]["reasons"]) == ("approved", ["Bổ sung chỉ tiêu"])
            attached = await client.post(
                "/units/pl-x/evidence",
                params={"file_name": "anh.jpg"},
                content=b"\xff\xd8jpeg",
                headers=secretary,
            )
            evidence = attached.json()["evidence"]
            project = await client.post(
                "/units/pl-x/youth-projects",
                json={
                    "title": "Cầu thanh niên",
                    "kind": "project",
                    "registered_on": "2026-02-01",
                    "year": 2026,
                },
                headers=secretary,
            )
            done = await client.post(
                f"/youth-projects/{project.json()['project_id']}/completion",
                json={"completed_on": "2026-09-01", "value_vnd": 3_500_000_000, "evidence": evidence},
                headers=secretary,
            )
            assert done.status_code == 201, done.text
            items = (await client.get("/units/pl-x/activities?kind=project", headers=secretary)).json()[
                "items"
            ]
            assert [(i["status"], i["value_vnd"]) for i in items] == [("completed", 3_500_000_000)]
            timeline = (
                await client.get("/units/pl-x/timeline?type=YouthProjectCompleted", headers=secretary)
            ).json()
            assert timeline["items"][0]["evidence"] == evidence
