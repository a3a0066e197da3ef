"""Evaluation counts a member where they were on each record's date: after a transfer to another union,
the old union keeps its months with the member and what the member did there, even when it is
recorded after the transfer; the new union counts them from the day it took them in.

The membership service records the history; evaluation consumes it from a real nats-server.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext
from sqlalchemy import select

from chudong.nats.server import EmbeddedNats
from services.evaluation.adapters.tables import facts
from shared.bus.consumer import ProjectionConsumer
from shared.bus.subjects import stream_name
from shared.clock import FixedClock
from tests.evaluation.conftest import evaluation_service
from tests.membership_api import TODAY, Membership, admission, membership_service
from tests.support import wait_until

# Two unions founded long before the history, in two districts of the membership tree.
UNITS = [("ab-a", "bg-pl", "grassroots"), ("ab-a-1", "ab-a", "branch"),
         ("ab-b", "bg-vy", "grassroots"), ("ab-b-1", "ab-b", "branch")]  # fmt: skip


async def _history(membership: Membership) -> None:
    for unit, parent, level in UNITS:
        body = {"unit_id": unit, "name": unit, "level": level, "unit_type": "commune_ward",
                "parent_id": parent, "established_on": "2020-01-06"}  # fmt: skip
        await membership.accept("/units", body)
    await membership.accept("/members", admission("mv", "ab-a-1"))  # admitted on 2025-01-15
    await membership.accept("/members", admission("st", "ab-a-1"))
    base = "/members/mv/transfers"
    await membership.accept(
        base, {"to_branch_id": "ab-b-1", "requested_on": "2026-06-01", "transfer_id": "t"}
    )
    await membership.accept(f"{base}/t/release", {"released_on": "2026-06-02"})
    await membership.accept(f"{base}/t/accept", {"accepted_on": "2026-06-03"})
    # Back-filled after the transfer: what mv did in ab-a-1 in the first half of the year…
    await membership.accept("/members/mv/recruits", {"into": "association", "recruited_on": "2026-03-10"})
    await membership.accept(
        "/members/mv/party-referrals", {"referred_on": "2026-04-01", "decision_ref": "NQ 1"}
    )
    await membership.accept("/members/mv/ratings", {"year": 2025, "rating": "good", "rated_on": "2026-01-20"})
    # … and in ab-b-1 since.
    await membership.accept("/members/mv/recruits", {"into": "doan", "recruited_on": "2026-09-01"})


async def _caught_up(app: FastAPI, js: JetStreamContext, membership: Membership) -> None:
    head, stream = await membership.head(), stream_name("membership")

    async def relayed() -> bool:
        return int((await js.stream_info(stream)).state.last_seq) >= head

    await wait_until(relayed, what="membership relayed")
    consumer: ProjectionConsumer = app.state.runtime.consumer(f"evaluation_evaluation_facts_{stream}")
    await wait_until(lambda: consumer.checkpoint >= head, what="facts caught up")


async def _figures(evaluation: Any, membership: Membership, district: str) -> dict[str, int]:
    answer = await evaluation.get(
        f"/units/{district}/rollup", params={"year": 2026}, headers=membership.token()
    )
    assert answer.status_code == 200, answer.text
    figures: dict[str, int] = answer.json()["figures"]
    return figures


async def _active_members(evaluation: Any, membership: Membership, union: str, as_of: str) -> int:
    """The active members the union's indicators count on ``as_of`` (C1.1, roster complete)."""
    answer = await evaluation.get(
        f"/units/{union}/compliance", params={"as_of": as_of}, headers=membership.token()
    )
    assert answer.status_code == 200, answer.text
    indicators = [i for c in answer.json()["criteria"] for i in c["indicators"]]
    numbers = next(i for i in indicators if i["indicator_id"] == "C1.1")["evidence"]["numbers"]
    return int(numbers.get("active members", 0))


async def test_the_old_union_keeps_the_months_a_member_was_there_and_what_they_did_then(
    nats_server: EmbeddedNats,
    js: JetStreamContext,
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with (
        membership_service(tmp_path, nats_server.url) as membership,
        evaluation_service(monkeypatch, tmp_path, nats_server.url, database_url, FixedClock(TODAY)) as (
            app,
            evaluation,
        ),
    ):
        await _history(membership)
        await _caught_up(app, js, membership)

        # Before the transfer mv is one of ab-a's two active members; after it, ab-b's one.
        before = {u: await _active_members(evaluation, membership, u, "2026-05-15") for u in ("ab-a", "ab-b")}
        after = {u: await _active_members(evaluation, membership, u, "2026-11-15") for u in ("ab-a", "ab-b")}
        assert (before, after) == ({"ab-a": 2, "ab-b": 0}, {"ab-a": 1, "ab-b": 1})

        # The recruit and the referral of the spring count in ab-a's district, the autumn's in ab-b's.
        old, new = (
            await _figures(evaluation, membership, "bg-pl"),
            await _figures(evaluation, membership, "bg-vy"),
        )
        assert (old["youth_recruited_1plus1"], old["party_referrals"]) == (1, 1)
        assert (new["youth_recruited_1plus1"], new["party_referrals"]) == (1, 0)
        async with app.state.runtime.db.read() as conn:
            rows = await conn.execute(
                select(facts.c.kind, facts.c.unit_id, facts.c.occurred_on).where(
                    facts.c.kind.in_(["member_rated", "youth_recruited", "party_referral"])
                )
            )
            placed = sorted((kind, unit, day) for kind, unit, day in rows)
        assert placed == [
            ("member_rated", "ab-a-1", date(2026, 1, 20)),
            ("party_referral", "ab-a-1", date(2026, 4, 1)),
            ("youth_recruited", "ab-a-1", date(2026, 3, 10)),
            ("youth_recruited", "ab-b-1", date(2026, 9, 1)),
        ]
