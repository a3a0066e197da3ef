"""Erasure by crypto-shredding, end to end; and membership's events in JetStream, by unit path (on PostgreSQL)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nats.js.api import ConsumerConfig, DeliverPolicy
from openpyxl import load_workbook
from sqlalchemy import func, select

from chudong.nats.server import EmbeddedNats
from services.membership.adapters.keys import KeyRing, open_with, person_keys
from services.membership.adapters.read_models import MembershipReadModels, hardship_cases, members
from services.membership.adapters.read_models import metadata as read_metadata
from shared.bus.connection import connect
from shared.contracts.membership import HardshipCaseListed, MemberJoined
from shared.events import REGISTRY
from shared.orgtree import OrgTreeProjection
from shared.store import Database, verify_chain
from shared.store.schema import events
from tests.membership_api import Membership, admission, membership_service
from tests.support import wait_until

pytestmark = pytest.mark.postgres

NAME, CASE_NAME = "Hoàng Thị Duyên", "Lò Văn Én"


@pytest.fixture
async def svc(nats_server: EmbeddedNats, tmp_path: Path, postgres_url: str) -> AsyncIterator[Membership]:
    """On PostgreSQL: the other membership tests run on SQLite."""
    async with membership_service(tmp_path, nats_server.url, postgres_url) as service:
        yield service


async def jetstream_copy(url: str, subject: str = "membership.>") -> list[tuple[str, bytes]]:
    """Every message of the MEMBERSHIP stream matching ``subject``, as (subject, bytes)."""
    nc = await connect(url, name="tests")
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe(
            subject,
            stream="MEMBERSHIP",
            config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, filter_subject=subject),
        )
        info = await js.stream_info("MEMBERSHIP", subjects_filter=subject)
        wanted = sum((info.state.subjects or {}).values())
        found: list[tuple[str, bytes]] = []
        while len(found) < wanted:
            for msg in await sub.fetch(500, timeout=5):
                found.append((msg.subject, msg.data))
                await msg.ack()
        return found
    finally:
        await nc.close()


async def relayed(svc: Membership) -> None:
    store = svc.app.state.runtime.store
    await wait_until(lambda: _nothing_pending(store), what="the relay to publish the outbox")


async def _nothing_pending(store: object) -> bool:
    return await store.pending_outbox() == 0  # type: ignore[attr-defined,no-any-return]


async def test_erasure_makes_personal_fields_unreadable_everywhere_and_the_history_still_holds(
    svc: Membership, nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    await svc.accept("/members", admission("er-1", name=NAME, ethnicity="Tày"))
    await svc.accept("/members", admission("er-2", name="Phạm Văn Giang"))
    await svc.accept("/members/er-1/dues", {"month": "2026-10", "amount_vnd": 2000})
    await svc.accept(
        "/units/pl-x-1/hardship-cases",
        {
            "case_id": "p-er",
            "listed_on": "2026-09-01",
            "details": {"full_name": CASE_NAME, "religion": "Công giáo"},
        },
    )
    before = (await svc.client.get("/units/bg/members", headers=svc.token())).json()["total"]

    await svc.accept("/people/er-1/erasure", {"request_ref": "ĐN 1/2026"})
    await svc.accept("/people/p-er/erasure", {"request_ref": "ĐN 2/2026"})
    await svc.refuse("/people/er-1/erasure", {"request_ref": "again"}, 409, "person_erased")
    await svc.refuse("/people/nobody/erasure", {"request_ref": "x"}, 404, "unknown_person")
    await svc.refuse(
        "/members/er-1/profile", {"profile": admission("er-1")["profile"]}, 409, "person_erased", method="PUT"
    )
    await relayed(svc)
    runtime = svc.app.state.runtime
    keyring = KeyRing(runtime.db)

    # The keys are gone; the other member's stays.
    assert set(await keyring.keys(["er-1", "p-er", "er-2"])) == {"er-2"}
    # The store: the sealed fields are still there, byte for byte, and cannot be opened; nothing was ever in clear.
    history = await runtime.store.read_stream("member-er-1")
    joined = history[0].payload
    assert isinstance(joined, MemberJoined) and joined.profile is not None
    assert await keyring.open(joined.profile) is None
    async with runtime.db.read() as conn:
        bodies = [bytes(b) for b in (await conn.execute(select(events.c.body))).scalars()]
        left_keys = [bytes(k) for k in (await conn.execute(select(person_keys.c.key))).scalars()]
        row = (await conn.execute(select(members).where(members.c.member_id == "er-1"))).one()
        case = (await conn.execute(select(hardship_cases).where(hardship_cases.c.case_id == "p-er"))).one()
    assert not any(NAME.encode() in b or CASE_NAME.encode() in b for b in bodies)
    # The JetStream copy: the same ciphertext, that no key left can open.
    copy = await jetstream_copy(nats_server.url)
    assert len(copy) == len(bodies)
    sealed = [REGISTRY.decode(data).payload for _, data in copy]
    erased = [p.profile for p in sealed if isinstance(p, MemberJoined) and p.member_id == "er-1"]
    erased += [p.sensitive for p in sealed if isinstance(p, HardshipCaseListed)]
    assert len(erased) == 2 and all(open_with(s, k) is None for s in erased for k in left_keys)
    assert not any(NAME.encode() in data for _, data in copy)
    # The read models.
    assert row.profile is None and row.erased and case.sensitive is None
    shown = (await svc.client.get("/members/er-1", headers=svc.token())).json()
    assert shown["profile"] is None and shown["erased"] and shown["status"] == "active"
    assert (await svc.client.get("/hardship-cases/p-er", headers=svc.token())).json()["details"] is None
    sheet = await svc.client.get("/units/pl-x/members/export", headers=svc.token())
    cells = {
        c for r in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True) for c in r
    }
    assert NAME not in cells and "Phạm Văn Giang" in cells and "er-1" in cells
    # Counts stay, the chain verifies, and replaying the history gives the same read models.
    assert (await svc.client.get("/units/bg/members", headers=svc.token())).json()["total"] == before
    report = await verify_chain(runtime.db)
    assert report.ok and report.events == len(bodies)
    replica = Database(f"sqlite+aiosqlite:///{tmp_path / 'replay.db'}")
    try:
        await replica.create_all(read_metadata, OrgTreeProjection.metadata)
        projection = MembershipReadModels()
        async with replica.transaction() as conn:
            async for envelope in runtime.store.iter_all():
                await projection.apply(conn, envelope)
        counts = select(members.c.status, members.c.erased, func.count()).group_by(
            members.c.status, members.c.erased
        )
        async with replica.read() as conn:
            replayed = sorted(tuple(r) for r in (await conn.execute(counts)).all())
        async with runtime.db.read() as conn:
            live = sorted(tuple(r) for r in (await conn.execute(counts)).all())
        assert replayed == live
    finally:
        await replica.dispose()


async def test_events_reach_jetstream_under_the_units_path_and_a_district_filter_sees_only_its_district(
    svc: Membership, nats_server: EmbeddedNats
) -> None:
    await svc.accept("/members", admission("js-1", branch="pl-x-1"))
    await svc.accept("/members", admission("js-2", branch="vy-y-1"))
    await svc.accept("/members/js-1/dues", {"month": "2026-10", "amount_vnd": 2000})
    await svc.accept("/units/vy-y/youth-census", {"as_of": "2026-10-01", "counts": {"total": 80}})
    await relayed(svc)
    everything = await jetstream_copy(nats_server.url)
    assert tuple(s for s, d in everything if b'"js-1"' in d and s.startswith("membership.MemberJoined")) == (
        "membership.MemberJoined.vn.bg.bg-pl.pl-x.pl-x-1",
    )
    for subject, data in everything:
        envelope = REGISTRY.decode(data)
        assert subject == f"membership.{envelope.type}.{envelope.unit_path}"
    district = await jetstream_copy(nats_server.url, "membership.*.vn.bg.bg-pl.>")
    assert district and all(".vn.bg.bg-pl." in s for s, _ in district)
    types = {(s.split(".")[1], s.rsplit(".", 1)[-1]) for s, _ in district}
    assert ("MemberJoined", "pl-x-1") in types and ("DuesPaid", "pl-x-1") in types
    assert not any(b"vy-y" in d.split(b'"unit_path"')[1][:80] for _, d in district)
    in_vy = {s for s, _ in everything if ".bg-vy." in s}
    assert "membership.YouthCensusRecorded.vn.bg.bg-vy.vy-y" in in_vy
