"""Evaluation's member counts are membership's active members, on every unit of the tree.

The membership service itself records the history (admissions, transfers within a union, to
another union and to another province, one left between two branches, one returned, ageing out,
striking off, expulsion, a union moved to another province); evaluation consumes it from a real
nats-server. Its count on each unit, and the active members its indicators count per union,
are what membership lists as active there.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete

from services.evaluation.adapters.member_counts import member_places, unit_member_counts
from tests.evaluation.from_membership import FromMembership
from tests.membership_api import TREE, Membership, admission
from tests.support import unit_body

OTHER_PROVINCE = [("hn", "vn", "province"), ("hn-bd", "hn", "district"), ("bd-z", "hn-bd", "grassroots"),
                  ("bd-z-1", "bd-z", "branch")]  # fmt: skip
UNITS = ["vn", *(unit for unit, _, _ in TREE + OTHER_PROVINCE)]
UNIONS = [unit for unit, _, level in TREE + OTHER_PROVINCE if level == "grassroots"]


async def _register(membership: Membership) -> None:
    for unit, parent, level in OTHER_PROVINCE:
        await membership.accept("/units", unit_body(unit, parent, level))


async def _transfer(membership: Membership, member: str, to: str, steps: tuple[str, ...]) -> None:
    base = f"/members/{member}/transfers"
    await membership.accept(
        base, {"to_branch_id": to, "requested_on": "2026-09-01", "transfer_id": f"t-{member}"}
    )
    bodies = {"release": {"released_on": "2026-09-02"}, "accept": {"accepted_on": "2026-09-03"},
              "return": {"returned_on": "2026-09-03", "reason": "no place"}}  # fmt: skip
    for step in steps:
        await membership.accept(f"{base}/t-{member}/{step}", bodies[step])


async def _history(membership: Membership) -> None:
    await _register(membership)
    branches = {"a1": "pl-x-1", "a2": "pl-x-1", "a3": "pl-x-1", "b1": "pl-x-2", "c1": "pl-x-lc-1",
                "d1": "vy-y-1", "z1": "bd-z-1", "so": "pl-x-2", "ex": "vy-y-1"}  # fmt: skip
    for member, branch in branches.items():
        await membership.accept("/members", admission(member, branch))
    await membership.accept("/members", admission("old", "pl-x-1", born="1995-03-01"))
    await _transfer(membership, "a2", "pl-x-2", ("release", "accept"))  # within the union
    await _transfer(membership, "a3", "vy-y-1", ("release", "accept"))  # to another union
    await _transfer(membership, "b1", "bd-z-1", ("release", "accept"))  # to another province
    await _transfer(membership, "c1", "vy-y-1", ("release",))  # between two branches
    await _transfer(membership, "d1", "pl-x-1", ("release", "return"))  # back where they were
    await membership.accept("/members/old/maturity", {"matured_on": "2026-03-02"})
    await membership.accept("/members/so/strike-off", {"struck_on": "2026-06-01", "reason": "no dues"})
    discipline = {"level": "expulsion", "decision_ref": "QĐ 9/KL", "decided_on": "2026-07-01"}
    await membership.accept("/members/ex/discipline", discipline)
    await membership.accept("/units/vy-y/move", {"new_parent_id": "hn-bd"})  # a union to another province


async def _membership_active(membership: Membership, unit: str) -> int:
    answer = await membership.client.get(
        f"/units/{unit}/members", params={"status": "active", "limit": 1}, headers=membership.token()
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["total"])


async def _counts(evaluation: Any, membership: Membership) -> tuple[dict[str, int], dict[str, int]]:
    ours: dict[str, int] = {}
    for unit in UNITS:
        answer = await evaluation.get(f"/units/{unit}/member-count", headers=membership.token())
        assert answer.status_code == 200, answer.text
        ours[unit] = answer.json()["active_members"]
    return ours, {unit: await _membership_active(membership, unit) for unit in UNITS}


def _registered_by_now() -> str:
    """A day on which every unit is registered (the tree is registered today, the history dated before)."""
    return (datetime.now(UTC) + timedelta(days=2)).date().isoformat()


async def test_evaluation_counts_the_active_members_membership_lists_on_every_unit(
    from_membership: FromMembership,
) -> None:
    membership, app, ev = from_membership.membership, from_membership.app, from_membership.evaluation
    await _history(membership)
    await from_membership.applied()

    ours, theirs = await _counts(ev, membership)
    assert ours == theirs
    # a1, a2 (moved in), a3 and d1 (in vy-y, now under hn), z1 and b1: ten admitted, six active.
    assert theirs["vn"] == 6 and theirs["hn"] == 4 and theirs["pl-x-lc"] == 0
    for union in UNIONS:
        assert await from_membership.roster_count(union, _registered_by_now()) == theirs[union], union

    # A database whose counts are wrong (as kept before) gets them right by a rebuild.
    runtime = app.state.runtime
    async with runtime.db.transaction() as conn:
        await conn.execute(delete(member_places))
        await conn.execute(delete(unit_member_counts))
    answer = await ev.post("/admin/projections/member_counts/rebuild", headers=membership.token())
    assert answer.status_code == 200, answer.text
    assert (await _counts(ev, membership))[0] == theirs
