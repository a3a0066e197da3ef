"""As of a date, in both senses: as it had happened by D, and as the system knew it at T."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.evaluation.conftest import Evaluation
from tests.evaluation.history import Tree

# The projection and the API run on PostgreSQL in test_api and test_recognition; these stay on SQLite.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_a_meeting_recorded_late_counts_as_happened_but_not_as_known_before_it_was_recorded(
    evaluation: Evaluation,
) -> None:
    tree = Tree(branches=1)
    (branch,) = tree.branches
    await evaluation.sources.record(tree.registrations(), recorded_at=datetime(2025, 1, 5, tzinfo=UTC))
    for month in range(1, 10):
        day = date(2026, month, 10)
        await evaluation.sources.record(
            [tree.meeting(branch, day)], recorded_at=datetime(2026, month, 11, tzinfo=UTC)
        )
    late = await evaluation.sources.record(
        [tree.meeting(branch, date(2026, 10, 20))], recorded_at=datetime(2026, 12, 5, 3, tzinfo=UTC)
    )
    await evaluation.settled()

    async def october(**params: str) -> Any:
        answer = await evaluation.client.get(
            "/units/dcs-1/compliance", params=params, headers=evaluation.token()
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return next(i for c in body["criteria"] for i in c["indicators"] if i["indicator_id"] == "C2.2")

    happened = await october(as_of="2026-11-01")
    assert str(late[0].event_id) in happened["evidence"]["event_ids"]
    assert happened["evidence"]["numbers"]["branch meeting: met"] == 10
    assert not [m for m in happened["missing"] if m["period"] == "2026-10"]

    known = await october(known_at="2026-11-01T00:00:00+07:00")
    assert str(late[0].event_id) not in known["evidence"]["event_ids"]
    assert known["evidence"]["numbers"]["branch meeting: met"] == 9
    assert [m["description"] for m in known["missing"] if m["period"] == "2026-10"] == [
        "Đơn vị dcs-1-b1: no branch meeting recorded for 10/2026"
    ]
    known_later = await october(known_at="2026-12-06T00:00:00+07:00", as_of="2026-11-01")
    assert known_later["evidence"]["numbers"]["branch meeting: met"] == 10
