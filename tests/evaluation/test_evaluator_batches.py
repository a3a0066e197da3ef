"""The evaluator takes a few unions per transaction, with every dirty mark of theirs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from services.evaluation.adapters.tables import dirty_units, union_status
from services.evaluation.adapters.tables import metadata as evaluation_metadata
from services.evaluation.app.evaluator import ComplianceEvaluator
from services.evaluation.domain.rulebook import RuleBook
from shared.clock import FixedClock
from shared.contracts.org import UnitLevel, UnitStatus, UnitType
from shared.orgtree import OrgTreeProjection, org_units
from shared.store import Database, EventStore
from shared.store.upsert import upsert


def _unit(unit_id: str, parent: str | None, path: str, level: UnitLevel) -> dict[str, object]:
    return {"unit_id": unit_id, "parent_id": parent, "path": path, "level": level.value, "name": unit_id,
            "unit_type": UnitType.COMMUNE_WARD.value, "status": UnitStatus.ACTIVE.value,
            "recognising_unit_id": None, "registered_at": datetime(2025, 1, 1, tzinfo=UTC), "closed_at": None}  # fmt: skip


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'evaluation.db'}")
    await db.create_all(evaluation_metadata, OrgTreeProjection.metadata)
    rows = [_unit("vn", None, "vn", UnitLevel.CENTRAL), _unit("d", "vn", "vn.d", UnitLevel.DISTRICT)]
    for u in ("u1", "u2", "u3"):
        rows.append(_unit(u, "d", f"vn.d.{u}", UnitLevel.GRASSROOTS))
        rows += [_unit(f"{u}-b{b}", u, f"vn.d.{u}.{u}-b{b}", UnitLevel.BRANCH) for b in range(3)]
    async with db.transaction() as conn:
        await conn.execute(insert(org_units), rows)
    yield db
    await db.dispose()


async def test_a_round_evaluates_at_most_its_batch_of_unions_and_takes_all_their_marks(db: Database) -> None:
    marks = ["u1-b0", "u2-b1", "d", "u1-b2", "u3-b0", "u2", "u3-b2", "u1"]
    async with db.transaction() as conn:
        for mark in marks:
            await upsert(conn, dirty_units, {"unit_id": mark}, keys=["unit_id"])
    store = EventStore(db, "evaluation")
    await store.initialise()
    clock = FixedClock(datetime(2026, 10, 26, 3, tzinfo=UTC))
    evaluator = ComplianceEvaluator(db, store, RuleBook.load(), clock=clock, batch=2)

    async def state() -> tuple[set[str], set[str]]:
        async with db.read() as conn:
            left = {r[0] for r in await conn.execute(select(dirty_units.c.unit_id))}
            judged = {r[0] for r in await conn.execute(select(union_status.c.unit_id))}
        return left, judged

    # Two unions (u1, u2) with every mark of theirs, and the district's mark (in no union).
    assert await evaluator.run_once() == 6
    assert await state() == ({"u3-b0", "u3-b2"}, {"u1", "u2"})
    # u1 has new facts meanwhile: u3, whose turn it is, goes first all the same.
    async with db.transaction() as conn:
        await upsert(conn, dirty_units, {"unit_id": "u1-b0"}, keys=["unit_id"])
    assert await evaluator.run_once() == 2
    assert await state() == ({"u1-b0"}, {"u1", "u2", "u3"})
    assert await evaluator.run_once() == 1
    assert await evaluator.run_once() == 0
