"""Loading straight into the stores: the same events, sealed, chained, with the read models beside them."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from chudong.demo import SCALES, Generator
from chudong.demo.direct import SERVICES, DirectLoader
from services.membership.adapters.keys import KeyRing, person_keys
from services.membership.adapters.read_models import members
from shared.contracts import membership as ms
from shared.store import Database, EventStore
from shared.store.verify import verify_chain


async def test_direct_load_appends_every_event_to_its_service_sealed_and_chained(tmp_path: Path) -> None:
    generator = Generator(SCALES["unit"], 1, 3, date(2026, 11, 27))
    expected = Counter(e.service for e in generator.events())
    urls = {name: f"sqlite+aiosqlite:///{tmp_path / name}.db" for name in SERVICES}
    loader = DirectLoader(urls, batch=500)
    await loader.initialise()
    assert await loader.load(generator.events()) == sum(expected.values())
    await loader.close()

    for name in SERVICES:
        db = Database(urls[name])
        store = EventStore(db, name)
        head, _ = await store.head()
        assert head == expected[name]
        assert (await verify_chain(db)).ok
        assert await store.pending_outbox() == expected[name]  # the relay publishes them when it runs
        if name == "membership":
            joined = [
                e for e in await store.read_all(limit=100_000) if isinstance(e.payload, ms.MemberJoined)
            ]
            async with db.read() as conn:
                listed = (await conn.execute(select(func.count()).select_from(members))).scalar_one()
                keys = (await conn.execute(select(func.count()).select_from(person_keys))).scalar_one()
            assert listed == keys == len(joined)
            first = joined[0].payload
            assert isinstance(first, ms.MemberJoined)
            profile = await KeyRing(db).open(first.profile)
            assert profile is not None and profile["full_name"]
        await db.dispose()
