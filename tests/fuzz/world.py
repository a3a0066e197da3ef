"""A small, known world for the fuzzers: a demo history loaded into the stores, a running chudong on it,
and the ids of what it holds (units, members, plans, activities, cases, attachments, subscriptions…).

The demo generator draws two unions of two branches with three members each, one year of their life
(plans, meetings, activities, projects, proposals, agreements, transfers, referrals); what the demo does
not make (a hardship case, an attachment, a subscription) is recorded through the HTTP APIs.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from chudong.demo import Generator, Scale
from chudong.demo.direct import SERVICES, DirectLoader
from chudong.demo.generator import DemoEvent
from shared.contracts.evaluation import SelfAssessmentSubmitted
from tests.e2e.conftest import RunningSystem, start_system
from tests.support import token_for, wait_until

SCALE = Scale("fuzz", provinces=1, districts=1, unions=2, branches=(2, 2), members=(3, 3))
UNTIL = date(2026, 11, 27)
SEED = 7
DISTRICT = "bg-h01"
UNIONS = ("bg-dcs001", "bg-dcs002")


@dataclass
class World:
    system: RunningSystem
    auth: dict[str, str]
    # Each name of a path, query or body field → the real values it may take in this world.
    ids: dict[str, list[str]] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return self.system.urls[service]

    def log(self, service: str) -> Path:
        return self.system.data_dir / "logs" / f"{service}.log"


def demo_ids(generator: Generator) -> dict[str, set[str]]:
    """Every ``…_id`` of the demo history, by field name."""
    found: dict[str, set[str]] = defaultdict(set)
    for event in generator.events():
        for name, value in event.payload.model_dump(mode="json").items():
            if name.endswith("_id") and isinstance(value, str):
                found[name].add(value)
    return found


async def load_demo(data_dir: Path, generator: Generator) -> None:
    """The history straight into each service's SQLite store; the services publish it when they start."""
    loader = DirectLoader({name: f"sqlite+aiosqlite:///{data_dir / name}.db" for name in SERVICES})
    try:
        await loader.initialise()
        # The second union's self-assessment is left to the world's own request (below), so that it
        # reaches an officer subscribed first: the demo's history would have made it already.
        await loader.load(e for e in generator.events() if not _self_assessment_of(e, UNIONS[1]))
    finally:
        await loader.close()


def _self_assessment_of(event: DemoEvent, union: str) -> bool:
    return isinstance(event.payload, SelfAssessmentSubmitted) and event.payload.unit_id == union


def _created(answer: httpx.Response, key: str) -> str:
    assert answer.status_code in (200, 201), answer.text
    return str(answer.json()[key])


async def _settled(client: httpx.AsyncClient, world: World) -> None:
    """Evaluation lists both unions and has taken every event; planning and the dashboard know the tree."""

    async def evaluated() -> bool:
        listed = await client.get(f"{world.url('evaluation')}/units/{DISTRICT}/unions")
        report = await client.get(f"{world.url('evaluation')}/admin/projections")
        if listed.status_code != 200 or report.status_code != 200:
            return False
        unions = {i["unit_id"] for i in listed.json()["items"]}
        lags = [s["lag"] for p in report.json() for s in p["streams"]]
        return unions == set(UNIONS) and not any(lags)

    async def known(service: str, path: str) -> bool:
        return (await client.get(f"{world.url(service)}{path}")).status_code == 200

    await wait_until(evaluated, timeout=120, what="evaluation to take the demo history")
    await wait_until(lambda: known("planning", f"/units/{UNIONS[0]}/plans"), 60, "planning's org tree")
    await wait_until(lambda: known("dashboard", f"/units/{DISTRICT}"), 60, "the dashboard's org tree")


async def _record_extras(client: httpx.AsyncClient, world: World) -> dict[str, set[str]]:
    """What the demo does not make: a hardship case, an attachment, an officer's subscription."""
    membership, planning, notifications = (world.url(s) for s in ("membership", "planning", "notifications"))
    extras: dict[str, set[str]] = defaultdict(set)
    case = await client.post(
        f"{membership}/units/{UNIONS[0]}/hardship-cases",
        json={"listed_on": "2026-03-02", "details": {"full_name": "Lò Văn Páo", "birth_year": 2008}},
    )
    extras["case_id"].add(_created(case, "case_id"))
    attached = await client.post(
        f"{planning}/units/{UNIONS[0]}/evidence",
        params={"file_name": "bien-ban.pdf"},
        content=b"%PDF-1.4 bien ban sinh hoat chi doan",
        headers={"Content-Type": "application/pdf"},
    )
    extras["attachment_id"].add(_created(attached, "attachment_id"))

    async def officer_known() -> bool:
        answer = await client.put(f"{notifications}/officers/me", json={"name": "Nguyễn Văn An"})
        return answer.status_code in (200, 201)

    await wait_until(officer_known, 60, "notifications to know the root unit")
    subscribed = await client.post(f"{notifications}/subscriptions", json={"unit_id": DISTRICT})
    extras["subscription_id"].add(_created(subscribed, "subscription_id"))
    # A self-assessment awaits the district's appraisal: the subscribed officer gets an alert in the inbox.
    assessed = await client.post(
        f"{world.url('evaluation')}/units/{UNIONS[1]}/self-assessment",
        json={"year": 2026, "submitted_on": "2026-11-20"},
    )
    assert assessed.status_code == 201, assessed.text

    async def alerted() -> bool:
        return bool((await client.get(f"{notifications}/inbox")).json()["items"])

    await wait_until(alerted, 60, "the alert of the self-assessment in the inbox")
    return extras


async def _discovered(client: httpx.AsyncClient, world: World) -> dict[str, set[str]]:
    """Ids only the running services know: indicators, projections, consumers, alerts and deliveries."""
    found: dict[str, set[str]] = defaultdict(set)
    compliance = (await client.get(f"{world.url('evaluation')}/units/{UNIONS[0]}/compliance")).json()
    found["indicator_id"] |= set(_values(compliance, "indicator_id"))
    for service in world.system.urls:
        report = (await client.get(f"{world.url(service)}/admin/projections")).json()
        found["name"] |= set(_values(report, "projection"))
        found["consumer"] |= set(_values(report, "consumer"))
    for path, key in (("/inbox", "delivery_id"), ("/deliveries", "delivery_id"), ("/inbox", "alert_id")):
        found[key] |= set(_values((await client.get(f"{world.url('notifications')}{path}")).json(), key))
    return found


def _values(document: Any, key: str) -> list[str]:
    """Every string under ``key`` anywhere in a JSON document."""
    if isinstance(document, dict):
        own = [document[key]] if isinstance(document.get(key), str) else []
        return own + [v for child in document.values() for v in _values(child, key)]
    if isinstance(document, list):
        return [v for child in document for v in _values(child, key)]
    return []


def _merge(*sources: dict[str, set[str]]) -> dict[str, list[str]]:
    ids: dict[str, set[str]] = defaultdict(set)
    for source in sources:
        for name, values in source.items():
            ids[name] |= values
    # Paths name any unit ``unit_id`` and a member ``person_id``; bodies name units by these fields too.
    ids["unit_id"] |= ids["branch_id"] | ids["parent_id"]
    ids["person_id"] |= ids["member_id"]
    for alias in ("to_branch_id", "new_parent_id", "merged_into", "submitted_to", "recognising_unit_id"):
        ids[alias] |= ids["unit_id"]
    ids["district"] |= {DISTRICT}
    return {name: sorted(values) for name, values in ids.items() if values}


def start_world(data_dir: Path) -> World:
    generator = Generator(SCALE, 1, SEED, UNTIL)
    data_dir.mkdir(parents=True)
    asyncio.run(load_demo(data_dir, generator))
    system = start_system(data_dir)
    try:
        secret = (data_dir / "secrets" / "jwt.key").read_text().strip()
        world = World(system, token_for(secret, "admin", "vn", subject="fuzzer"))

        async def seed() -> dict[str, list[str]]:
            async with httpx.AsyncClient(headers=world.auth, timeout=30) as client:
                await _settled(client, world)
                extras = await _record_extras(client, world)
                return _merge(demo_ids(generator), extras, await _discovered(client, world))

        world.ids = asyncio.run(seed())
        return world
    except BaseException:
        system.stop()
        raise
