"""Roll-ups show the Party referrals and admissions and the youth census of every level, counted from the
events membership recorded (a real membership service, its stream consumed from a real nats-server)."""

from __future__ import annotations

from typing import Any

from tests.evaluation.from_membership import FromMembership
from tests.membership_api import Membership, admission

YEAR = {"year": 2026}


async def _history(membership: Membership) -> None:
    for member, branch in (("a1", "pl-x-1"), ("a2", "pl-x-1"), ("a3", "pl-x-2"), ("b1", "vy-y-1")):
        await membership.accept("/members", admission(member, branch))
    referrals = [("a1", "2026-03-01"), ("a2", "2026-04-01"), ("b1", "2026-05-01"), ("a3", "2025-06-01")]
    for member, on in referrals:
        body = {"referred_on": on, "decision_ref": "NQ 1", "referral_id": f"r-{member}"}
        await membership.accept(f"/members/{member}/party-referrals", body)
    for member, admitted, on in (
        ("a1", True, "2026-09-01"),
        ("a2", False, "2026-09-02"),
        ("b1", True, "2026-10-01"),
    ):
        await membership.accept(
            f"/members/{member}/party-referrals/r-{member}/outcome", {"admitted": admitted, "decided_on": on}
        )
    censuses = [
        ("pl-x-1", "2026-03-01", {"total": 50, "health_insurance": 30}),
        ("pl-x-1", "2026-09-01", {"total": 60, "health_insurance": 45}),  # the branch's latest counts
        ("pl-x-2", "2026-06-01", {"total": 40, "health_insurance": 30, "ethnic_minority": 5}),
        ("pl-x-2", "2025-12-01", {"total": 999}),  # last year's: not this year's figure
        ("vy-y", "2026-10-01", {"total": 120, "health_insurance": 100}),  # the union counted its area…
        ("vy-y-1", "2026-10-01", {"total": 70}),  # … so its branch is not added again
    ]
    for unit, on, counts in censuses:
        await membership.accept(f"/units/{unit}/youth-census", {"as_of": on, "counts": counts})


async def _get(from_membership: FromMembership, path: str) -> dict[str, Any]:
    answer = await from_membership.evaluation.get(
        path, params=YEAR, headers=from_membership.membership.token("province_officer", "bg")
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def party(figures: dict[str, int]) -> tuple[int, int, int]:
    return figures["party_referrals"], figures["party_admitted"], figures["party_not_admitted"]


async def test_roll_ups_count_party_referrals_admissions_and_the_census_at_every_level(
    from_membership: FromMembership,
) -> None:
    await _history(from_membership.membership)
    await from_membership.applied(("evaluation_facts",))

    province = await _get(from_membership, "/units/bg/rollup")
    assert party(province["figures"]) == (3, 2, 1)
    assert province["census"] == {
        "units": 3,
        "as_of": "2026-10-01",
        "counts": {"ethnic_minority": 5, "health_insurance": 175, "total": 220},
    }
    children = {c["unit_id"]: c for c in province["children"]}
    assert party(children["bg-pl"]["figures"]) == (2, 1, 1) and party(children["bg-vy"]["figures"]) == (
        1,
        1,
        0,
    )
    assert children["bg-pl"]["census"]["counts"] == {
        "ethnic_minority": 5,
        "health_insurance": 75,
        "total": 100,
    }
    assert children["bg-vy"]["census"] == {
        "units": 1,
        "as_of": "2026-10-01",
        "counts": {"health_insurance": 100, "total": 120},
    }

    # The same figures for the unit and each unit directly below it, in one answer.
    district = await _get(from_membership, "/units/bg-pl/figures")
    assert party(district["figures"]) == (2, 1, 1) and district["census"]["units"] == 2
    assert [(b["unit_id"], b["level"]) for b in district["below"]] == [("pl-x", "grassroots")]
    union = await _get(from_membership, "/units/pl-x/figures")
    below = {b["unit_id"]: b for b in union["below"]}
    assert below["pl-x-1"]["census"]["counts"] == {"health_insurance": 45, "total": 60}
    assert below["pl-x-1"]["census"]["as_of"] == "2026-09-01"
    assert party(below["pl-x-1"]["figures"]) == (2, 1, 1) and party(below["pl-x-2"]["figures"]) == (0, 0, 0)
    assert below["pl-x-lc"]["census"] == {"units": 0, "as_of": None, "counts": {}}

    # A district that counts its own youth stands for its whole area from then on.
    await from_membership.membership.accept(
        "/units/bg-pl/youth-census",
        {"as_of": "2026-11-01", "counts": {"total": 500, "health_insurance": 400}},
    )
    await from_membership.applied(("evaluation_facts",))
    province = await _get(from_membership, "/units/bg/rollup")
    assert province["census"]["counts"] == {"health_insurance": 500, "total": 620}
    assert (await _get(from_membership, "/units/bg-pl/figures"))["below"][0]["census"]["counts"][
        "total"
    ] == 100
