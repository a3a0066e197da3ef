"""Events out: ComplianceChanged and IndicatorAtRisk, on events and on the clock, each once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from services.evaluation.adapters.tables import union_status
from shared.contracts.evaluation import ComplianceChanged, IndicatorAtRisk
from tests.evaluation.conftest import Evaluation
from tests.evaluation.history import Tree

# The projection and the API run on PostgreSQL in test_api and test_recognition; these stay on SQLite.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def at_risk(events: list, indicator: str) -> list[IndicatorAtRisk]:  # type: ignore[type-arg]
    return [
        e.payload
        for e in events
        if isinstance(e.payload, IndicatorAtRisk) and e.payload.indicator_id == indicator
    ]


async def test_an_indicator_at_risk_is_announced_once_with_what_is_missing(evaluation: Evaluation) -> None:
    tree = Tree()
    b1, b2 = tree.branches
    meetings = [
        tree.meeting(b, date(2026, m, 10)) for b in (b1, b2) for m in range(1, 10) if (b, m) != (b1, 3)
    ]
    await evaluation.sources.record([*tree.registrations(), *meetings])
    await evaluation.settled()
    emitted = await evaluation.emitted()
    risks = at_risk(emitted, "C2.2")
    assert len(risks) == 1
    assert {m.description for m in risks[0].missing} >= {
        "Đơn vị dcs-1-b1: no branch meeting recorded for 10/2026",
        "Đơn vị dcs-1-b2: no branch meeting recorded for 10/2026",
    }
    assert risks[0].closes_on == date(2026, 10, 31)
    overall = [
        e.payload for e in emitted if isinstance(e.payload, ComplianceChanged) and e.payload.criterion == 0
    ]
    assert len(overall) == 1 and overall[0].old_status == "not_assessed" and overall[0].new_status == "fail"

    await evaluation.sources.record([tree.meeting(b1, date(2026, 10, 20))])
    await evaluation.settled()
    again = await evaluation.emitted()
    assert len(at_risk(again, "C2.2")) == 1  # it left "at risk"; nothing new to announce
    async with evaluation.app.state.runtime.db.read() as conn:
        row = (await conn.execute(select(union_status.c.indicators))).scalar_one()
    assert '"C2.2": "pass"' in row


async def test_the_clock_alone_puts_an_indicator_at_risk(evaluation: Evaluation) -> None:
    tree = Tree()
    await evaluation.sources.record(tree.registrations())
    await evaluation.settled()
    assert not at_risk(await evaluation.emitted(), "C2.8")  # the self-assessment is due 15 Dec: not yet
    evaluation.clock.instant = datetime(2026, 12, 1, 5, tzinfo=UTC)
    await evaluation.app.state.evaluator.tick()
    risks = at_risk(await evaluation.emitted(), "C2.8")
    assert len(risks) == 1 and risks[0].closes_on == date(2026, 12, 15)
    await evaluation.app.state.evaluator.tick()
    assert len(at_risk(await evaluation.emitted(), "C2.8")) == 1
