"""Evaluation counts a unit from the day it was founded, whenever it was registered: a union entered
today with its founding day years ago is assessed for the whole year, a branch founded mid-year counts
from its founding month, and a correction of those days moves the count, live and in the audit replay
alike."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from chudong.audit.replay import replay
from chudong.commands.audit import replay_history
from chudong.nats.server import EmbeddedNats
from services.evaluation.app.compliance import compliance_of
from services.evaluation.domain.evaluate import AsOf
from shared.contracts import membership as ms
from shared.contracts.org import UnitLevel, UnitType
from shared.events import Envelope, NewEvent
from tests.evaluation.conftest import Evaluation
from tests.evaluation.history import Tree, at

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

FOUNDED = date(2015, 3, 26)
REGISTERED = datetime(2026, 10, 20, 3, tzinfo=UTC)
"""When the tree was entered into the system (the clock says 26 October 2026)."""


async def meetings_indicator(evaluation: Evaluation, union: str, **params: str) -> Any:
    answer = await evaluation.client.get(
        f"/units/{union}/compliance", params=params, headers=evaluation.token()
    )
    assert answer.status_code == 200, answer.text
    return next(i for c in answer.json()["criteria"] for i in c["indicators"] if i["indicator_id"] == "C2.2")


async def test_a_union_entered_today_with_its_founding_day_is_assessed_for_the_whole_year(
    evaluation: Evaluation,
) -> None:
    founded, undated = Tree(union="dcs-1"), Tree(union="dcs-2")
    await evaluation.sources.record(founded.registrations(on=FOUNDED), recorded_at=REGISTERED)
    # The same union entered without its founding day opens the day it is entered.
    await evaluation.sources.record(undated.registrations(on=REGISTERED.date())[3:], recorded_at=REGISTERED)
    for tree in (founded, undated):  # January to September, back-filled
        meetings = [m for b in tree.branches for m in tree.monthly_meetings(b, range(1, 10))]
        await evaluation.sources.record(meetings, recorded_at=REGISTERED)
    await evaluation.settled()

    march = await meetings_indicator(evaluation, "dcs-1", as_of="2026-03-01")
    assert march["status"] != "not_assessed" and "registered on" not in march["explanation"], march
    assert march["evidence"]["numbers"]["branch meeting: met"] == 4
    whole = await meetings_indicator(evaluation, "dcs-1")
    assert whole["evidence"]["numbers"]["branch meeting: branch-periods"] == 24
    assert whole["evidence"]["numbers"]["branch meeting: met"] == 18

    unopened = await meetings_indicator(evaluation, "dcs-2", as_of="2026-03-01")
    assert unopened["status"] == "not_assessed"
    assert "the union was registered on 20/10/2026" in unopened["explanation"]
    late = await meetings_indicator(evaluation, "dcs-2")
    assert late["evidence"]["numbers"]["branch meeting: branch-periods"] == 6  # October to December only


def _branch_founded(tree: Tree, branch: str, on: date) -> NewEvent:
    tree.paths[branch] = f"{tree.paths[tree.union]}.{branch}"
    payload = ms.UnitRegistered(
        unit_id=branch,
        name=f"Chi đoàn {branch}",
        level=UnitLevel.BRANCH,
        unit_type=UnitType.COMMUNE_WARD,
        parent_id=tree.union,
        established_on=on,
    )
    return NewEvent(f"unit-{branch}", payload, tree.paths[branch], at(on))


async def _history(evaluation: Evaluation) -> list[Envelope]:
    return sorted(
        [e for s in evaluation.sources.stores.values() for e in await s.read_all(0, 100_000)],
        key=lambda e: (e.service != "membership", e.position),
    )


async def _live_equals_replay(evaluation: Evaluation, nats_url: str, union: str, day: date) -> None:
    book, as_of = evaluation.app.state.rule_book, AsOf(day)
    async with evaluation.app.state.runtime.db.read() as conn:
        live = await compliance_of(conn, book, union, as_of, 2026)
    assert live is not None
    [replayed] = replay(await _history(evaluation), book, as_of, unit=union, year=2026)
    assert replayed.model_dump() == live.model_dump()
    over_the_bus = await replay_history(nats_url, book, as_of, unit=union, year=2026, show_progress=False)
    assert [r.model_dump() for r in over_the_bus] == [live.model_dump()]


async def test_a_branch_founded_mid_year_counts_from_its_founding_month_and_a_correction_moves_it(
    evaluation: Evaluation, nats_server: EmbeddedNats
) -> None:
    tree = Tree()
    await evaluation.sources.record(tree.registrations(on=FOUNDED), recorded_at=REGISTERED)
    await evaluation.sources.record(
        [_branch_founded(tree, "dcs-1-b3", date(2026, 6, 15))], recorded_at=REGISTERED
    )
    await evaluation.settled()
    founded_in_june = await meetings_indicator(evaluation, "dcs-1")
    assert founded_in_june["evidence"]["numbers"]["branch meeting: branch-periods"] == 24 + 7  # June–December
    assert not [
        m for m in founded_in_june["missing"] if m["unit_id"] == "dcs-1-b3" and m["period"] == "2026-05"
    ]

    correction = ms.UnitDatesCorrected(
        unit_id="dcs-1-b3", established_on=date(2026, 4, 1), reason="theo quyết định 7-QĐ/ĐTN"
    )
    await evaluation.sources.record(
        [NewEvent("unit-dcs-1-b3", correction, tree.paths["dcs-1-b3"], REGISTERED)]
    )
    await evaluation.settled()
    corrected = await meetings_indicator(evaluation, "dcs-1")
    assert corrected["evidence"]["numbers"]["branch meeting: branch-periods"] == 24 + 9  # April–December
    assert [m for m in corrected["missing"] if m["unit_id"] == "dcs-1-b3" and m["period"] == "2026-05"]

    # What is missing names the branch by its name, the new one after a rename, in the replay too.
    renamed = ms.UnitRenamed(unit_id="dcs-1-b3", name="Chi đoàn thôn Mới")
    await evaluation.sources.record([NewEvent("unit-dcs-1-b3", renamed, tree.paths["dcs-1-b3"], REGISTERED)])
    await evaluation.settled()
    named = await meetings_indicator(evaluation, "dcs-1")
    assert "Chi đoàn thôn Mới: no branch meeting recorded for 5/2026" in [
        m["description"] for m in named["missing"]
    ]

    for day in (date(2026, 5, 20), date(2026, 10, 26)):
        await _live_equals_replay(evaluation, nats_server.url, "dcs-1", day)
