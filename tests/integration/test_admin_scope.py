"""Who may use the operators' routes (ADR 0004).

The central admin (an admin of the root of the tree) lists every dead letter, replays, reads the
projections' report and rebuilds. An admin of a grassroots union lists only the dead letters about its
own units (their subject carries the unit path) and is refused the rest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from chudong.nats.server import EmbeddedNats
from shared.bus.subjects import stream_name
from shared.contracts.org import UnitLevel
from shared.http import create_service_app
from shared.runtime import ServiceRuntime
from shared.runtime.service import Source
from shared.settings import CommonSettings, ServiceSettings
from shared.store import StreamAppend
from tests.projections import RecordingProjection
from tests.projections import metadata as recording_metadata
from tests.support import fixed_key_settings, member_event, token_for, unit_event, wait_until

SECRET = "s" * 32
PL, VY = "vn.bg.bg-pl.pl-x.pl-x-1", "vn.bg.bg-vy.vy-y.vy-y-1"
TREE = [
    ("vn", None, "vn", UnitLevel.CENTRAL),
    ("bg", "vn", "vn.bg", UnitLevel.PROVINCE),
    ("bg-pl", "bg", "vn.bg.bg-pl", UnitLevel.DISTRICT),
    ("pl-x", "bg-pl", "vn.bg.bg-pl.pl-x", UnitLevel.GRASSROOTS),
    ("pl-x-1", "pl-x", PL, UnitLevel.BRANCH),
    ("bg-vy", "bg", "vn.bg.bg-vy", UnitLevel.DISTRICT),
    ("vy-y", "bg-vy", "vn.bg.bg-vy.vy-y", UnitLevel.GRASSROOTS),
    ("vy-y-1", "vy-y", VY, UnitLevel.BRANCH),
]


@dataclass
class Operated:
    client: httpx.AsyncClient
    runtime: ServiceRuntime
    consumer: str

    async def get(self, path: str, role: str, unit: str) -> httpx.Response:
        return await self.client.get(path, headers=token_for(SECRET, role, unit))

    async def post(self, path: str, role: str, unit: str, **params: str) -> httpx.Response:
        return await self.client.post(path, params=params, headers=token_for(SECRET, role, unit))


@pytest.fixture
async def operated(nats_server: EmbeddedNats, tmp_path: Path) -> AsyncIterator[Operated]:
    """A service whose projection could not apply one member's joining in pl-x-1 and one in vy-y-1."""
    common = CommonSettings(data_dir=tmp_path, nats_url=nats_server.url, jwt_secret=SECRET, max_deliver=1)

    def settings(name: str) -> ServiceSettings:
        return ServiceSettings(
            name=name, database_url=f"sqlite+aiosqlite:///{tmp_path / name}.db", **fixed_key_settings(name)
        )

    membership = ServiceRuntime(common, settings("membership"))
    source = [Source(stream_name("membership"))]
    runtime = ServiceRuntime(
        # Named after a reader of membership's stream, so that it holds the key to check its seals.
        common,
        settings("evaluation"),
        metadatas=[recording_metadata],
        org_tree_sources=source,
    )
    projection = RecordingProjection()
    runtime.add_projection(projection, source)
    app = create_service_app(runtime, [], title="tests", description="a service with dead letters")
    await membership.start()
    try:
        units = [StreamAppend(f"unit-{u}", [unit_event(u, p, path, level)]) for u, p, path, level in TREE]
        members = [StreamAppend("member-pl", [member_event("pl", PL)])]
        members.append(StreamAppend("member-vy", [member_event("vy", VY)]))
        await membership.store.append([*units, *members], actor="t")
        projection.poison = {
            str(e.event_id) for e in await membership.store.read_all() if e.type == "MemberJoined"
        }
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tests") as client,
        ):
            (consumer,) = [c for c in runtime.consumers if c.projection is projection]

            async def settled() -> bool:
                return consumer.dead_lettered == 2 and await runtime.directory.get("vy-y-1") is not None

            await wait_until(settled, timeout=20, what="two dead letters and the tree")
            yield Operated(client, runtime, consumer.name)
    finally:
        await membership.stop()


async def test_the_central_admin_lists_every_dead_letter_replays_and_rebuilds(operated: Operated) -> None:
    letters = await operated.get("/admin/dead-letters", "admin", "vn")
    assert letters.status_code == 200, letters.text
    assert sorted(letter["original_subject"] for letter in letters.json()) == [
        f"membership.MemberJoined.{PL}",
        f"membership.MemberJoined.{VY}",
    ]
    projections = await operated.get("/admin/projections", "admin", "vn")
    assert projections.status_code == 200
    assert {p["projection"] for p in projections.json()} == {"org_tree", "recording"}
    replayed = await operated.post("/admin/dead-letters/replay", "admin", "vn", consumer=operated.consumer)
    assert replayed.status_code == 200 and [o["replayed"] for o in replayed.json()] == [False, False]
    rebuilt = await operated.post("/admin/projections/org_tree/rebuild", "admin", "vn")
    assert rebuilt.status_code == 200, rebuilt.text
    assert rebuilt.json()["rows"]["org_units"] == len(TREE)


async def test_a_union_admin_sees_only_its_own_dead_letters_and_acts_on_nothing_global(
    operated: Operated,
) -> None:
    letters = await operated.get("/admin/dead-letters", "admin", "pl-x")
    assert letters.status_code == 200, letters.text
    assert [letter["original_subject"] for letter in letters.json()] == [f"membership.MemberJoined.{PL}"]
    assert (
        (await operated.get("/admin/dead-letters", "admin", "bg-vy"))
        .json()[0]["original_subject"]
        .endswith(VY)
    )
    refused = [
        await operated.post("/admin/dead-letters/replay", "admin", "pl-x", consumer=operated.consumer),
        await operated.get("/admin/projections", "admin", "pl-x"),
        await operated.post("/admin/projections/org_tree/rebuild", "admin", "pl-x"),
    ]
    for answer in refused:
        assert answer.status_code == 403, answer.text
        (detail,) = answer.json()["detail"]
        assert (detail["rule"], detail["field"], detail["value"]) == ("central_admin_only", "unit", "pl-x")
        assert "root of the tree" in detail["accepted"]
    # Nothing was replayed: both letters are still there for the central admin.
    assert len((await operated.get("/admin/dead-letters", "admin", "vn")).json()) == 2
    # Other roles are refused on the role, wherever they stand.
    officer = await operated.get("/admin/dead-letters", "province_officer", "vn")
    assert officer.status_code == 403 and officer.json()["error"] == "forbidden_role"
