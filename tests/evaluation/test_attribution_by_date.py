"""Evaluation counts a member where they were on each record's date: after a transfer to another union,
the old union keeps its months with the member and what the member did there, even when it is
recorded after the transfer; the new union counts them from the day it took them in.

The membership service records the history; evaluation consumes it from a real nats-server.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from services.evaluation.adapters.tables import facts
from tests.evaluation.from_membership import FromMembership
from tests.membership_api import Membership, admission

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


async def _figures(evaluation: Any, membership: Membership, district: str) -> dict[str, int]:
    answer = await evaluation.get(
        f"/units/{district}/rollup", params={"year": 2026}, headers=membership.token()
    )
    assert answer.status_code == 200, answer.text
    figures: dict[str, int] = answer.json()["figures"]
    return figures


async def test_the_old_union_keeps_the_months_a_member_was_there_and_what_they_did_then(
    from_membership: FromMembership,
) -> None:
    membership, app, evaluation = from_membership.membership, from_membership.app, from_membership.evaluation
    await _history(membership)
    await from_membership.applied(("evaluation_facts",))

    # Before the transfer mv is one of ab-a's two active members; after it, ab-b's one.
    before = {u: await from_membership.roster_count(u, "2026-05-15") for u in ("ab-a", "ab-b")}
    after = {u: await from_membership.roster_count(u, "2026-11-15") for u in ("ab-a", "ab-b")}
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
