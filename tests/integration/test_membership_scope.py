"""Every membership route holds the caller's token to its scope (ADR 0004).

A unit, member or case outside the scope answers exactly as one that does not exist, so a token cannot
probe what lies beyond its subtree; what a body names is checked like the path.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from chudong.nats.server import EmbeddedNats
from services.membership.app.year_import import ImportJob
from tests.membership_api import Membership, admission, membership_service

# One request per route, about units, members and cases of pl-x (district bg-pl), with a valid body.
D = "2026-11-01"
REQUESTS: dict[tuple[str, str], tuple[str, Any]] = {
    ("post", "/units"): (
        "/units",
        {"unit_id": "sc-u", "name": "x", "level": "branch", "unit_type": "school", "parent_id": "pl-x"},
    ),
    ("get", "/units/{unit_id}"): ("/units/pl-x", None),
    ("get", "/units/{unit_id}/tree"): ("/units/pl-x/tree", None),
    ("post", "/units/{unit_id}/name"): ("/units/pl-x/name", {"name": "x"}),
    ("post", "/units/{unit_id}/move"): ("/units/pl-x-lc-1/move", {"new_parent_id": "vy-y"}),
    ("post", "/units/{unit_id}/closure"): ("/units/pl-x-2/closure", {"reason": "x"}),
    ("post", "/units/{unit_id}/dates"): (
        "/units/pl-x/dates",
        {"established_on": "2001-03-26", "reason": "x"},
    ),
    ("post", "/units/{unit_id}/roster-reviews"): ("/units/pl-x-1/roster-reviews", {"reviewed_on": D}),
    ("post", "/units/{unit_id}/dues-remittances"): (
        "/units/pl-x-1/dues-remittances",
        {"month": "2026-10", "amount_vnd": 1},
    ),
    ("post", "/members"): ("/members", admission("sc-2")),
    ("put", "/members/{member_id}/profile"): (
        "/members/sc-1/profile",
        {"profile": admission("sc-1")["profile"]},
    ),
    ("get", "/members/{member_id}"): ("/members/sc-1", None),
    ("get", "/members/{member_id}/history"): ("/members/sc-1/history", None),
    ("get", "/units/{unit_id}/members"): ("/units/pl-x/members", None),
    ("get", "/units/{unit_id}/member-names"): ("/units/pl-x/member-names?member_id=sc-1", None),
    ("post", "/members/{member_id}/transfers"): (
        "/members/sc-1/transfers",
        {"to_branch_id": "vy-y-1", "requested_on": D},
    ),
    ("post", "/members/{member_id}/transfers/{transfer_id}/release"): (
        "/members/sc-1/transfers/t-sc/release",
        {"released_on": D},
    ),
    ("post", "/members/{member_id}/transfers/{transfer_id}/accept"): (
        "/members/sc-1/transfers/t-sc/accept",
        {"accepted_on": D},
    ),
    ("post", "/members/{member_id}/transfers/{transfer_id}/return"): (
        "/members/sc-1/transfers/t-sc/return",
        {"returned_on": D, "reason": "x"},
    ),
    ("post", "/members/{member_id}/maturity"): ("/members/sc-1/maturity", {"matured_on": D}),
    ("post", "/members/{member_id}/extensions"): (
        "/members/sc-1/extensions",
        {"until": "2030-01-01", "reason": "x"},
    ),
    ("post", "/members/{member_id}/discipline"): (
        "/members/sc-1/discipline",
        {"level": "warning", "decision_ref": "x", "decided_on": D},
    ),
    ("post", "/members/{member_id}/strike-off"): (
        "/members/sc-1/strike-off",
        {"struck_on": D, "reason": "x"},
    ),
    ("post", "/members/{member_id}/cards"): ("/members/sc-1/cards", {"card_number": "1", "issued_on": D}),
    ("post", "/members/{member_id}/dues"): ("/members/sc-1/dues", {"month": "2026-10", "amount_vnd": 2000}),
    ("post", "/members/{member_id}/dues-exemptions"): (
        "/members/sc-1/dues-exemptions",
        {"month": "2026-10", "reason": "x"},
    ),
    ("post", "/members/{member_id}/ratings"): (
        "/members/sc-1/ratings",
        {"year": 2026, "rating": "good", "rated_on": D},
    ),
    ("post", "/members/{member_id}/training"): ("/members/sc-1/training", {"year": 2026}),
    ("post", "/members/{member_id}/training/{year}/evaluation"): (
        "/members/sc-1/training/2026/evaluation",
        {"result": "good"},
    ),
    ("post", "/members/{member_id}/inactivity-reviews"): (
        "/members/sc-1/inactivity-reviews",
        {"reviewed_on": D, "outcome": "kept"},
    ),
    ("post", "/members/{member_id}/recruits"): (
        "/members/sc-1/recruits",
        {"into": "doan", "recruited_on": D},
    ),
    ("post", "/members/{member_id}/party-referrals"): ("/members/sc-1/party-referrals", {"referred_on": D}),
    ("post", "/members/{member_id}/party-referrals/{referral_id}/outcome"): (
        "/members/sc-1/party-referrals/r-sc/outcome",
        {"admitted": True, "decided_on": D},
    ),
    ("post", "/units/{unit_id}/youth-situation-reports"): (
        "/units/pl-x/youth-situation-reports",
        {"quarter": "2026-Q4", "submitted_on": D},
    ),
    ("post", "/units/{unit_id}/youth-census"): (
        "/units/pl-x/youth-census",
        {"as_of": D, "counts": {"total": 1}},
    ),
    ("post", "/units/{unit_id}/hardship-reviews"): ("/units/pl-x/hardship-reviews", {"reviewed_on": D}),
    ("post", "/units/{unit_id}/hardship-cases"): (
        "/units/pl-x-1/hardship-cases",
        {"listed_on": D, "details": {"full_name": "x"}},
    ),
    ("get", "/units/{unit_id}/hardship-cases"): ("/units/pl-x-1/hardship-cases", None),
    ("get", "/hardship-cases/{case_id}"): ("/hardship-cases/p-sc", None),
    ("post", "/hardship-cases/{case_id}/closure"): (
        "/hardship-cases/p-sc/closure",
        {"closed_on": D, "reason": "x"},
    ),
    ("post", "/hardship-cases/{case_id}/care-actions"): (
        "/hardship-cases/p-sc/care-actions",
        {"acted_on": D, "action": "x"},
    ),
    ("post", "/units/{unit_id}/members/import"): ("/units/pl-x/members/import", None),
    ("post", "/units/{unit_id}/year-imports"): ("/units/pl-x/year-imports", None),
    ("get", "/year-imports/{job_id}"): ("/year-imports/imp-sc", None),
    ("get", "/units/{unit_id}/members/export"): ("/units/pl-x/members/export", None),
    ("post", "/people/{person_id}/erasure"): ("/people/sc-1/erasure", {"request_ref": "x"}),
    ("get", "/units/{unit_id}/personal-reads"): ("/units/pl-x/personal-reads", None),
}
NOT_ABOUT_A_UNIT = {
    ("get", "/healthz"),
    ("get", "/livez"),
    ("get", "/metrics"),
    ("get", "/admin/dead-letters"),
    ("post", "/admin/dead-letters/replay"),
    ("get", "/admin/projections"),
    ("post", "/admin/projections/{name}/rebuild"),
}


@pytest.fixture
async def svc(nats_server: EmbeddedNats, tmp_path: Path) -> AsyncIterator[Membership]:
    async with membership_service(tmp_path, nats_server.url) as service:
        await service.accept("/members", admission("sc-1"))
        await service.accept(
            "/members/sc-1/transfers", {"to_branch_id": "pl-x-2", "requested_on": D, "transfer_id": "t-sc"}
        )
        await service.accept("/members/sc-1/party-referrals", {"referred_on": D, "referral_id": "r-sc"})
        await service.accept(
            "/units/pl-x-1/hardship-cases", {"listed_on": D, "case_id": "p-sc", "details": {"full_name": "x"}}
        )
        # A year import of pl-x, as one that ended leaves it to be followed.
        service.app.state.year_imports.jobs["imp-sc"] = ImportJob("imp-sc", "pl-x", "tester", {}, 0, "done")
        yield service


# Ids that exist (outside the outsider's scope) and ids that exist nowhere, put in their place.
GHOSTS = {"pl-x": "zz-x", "sc-1": "zz-1", "p-sc": "p-zz", "imp-sc": "imp-zz"}


def ghostly(text: str) -> str:
    for real, ghost in GHOSTS.items():
        text = text.replace(real, ghost)
    return text


async def test_every_route_answers_for_what_is_outside_the_scope_as_for_what_does_not_exist(
    svc: Membership,
) -> None:
    routes = {(method, path) for path, ops in svc.app.openapi()["paths"].items() for method in ops}
    assert routes - NOT_ABOUT_A_UNIT == set(REQUESTS), "every route needs a scope check here"
    # An administrator of another district's union: every permission, the wrong subtree.
    outsider = svc.token("admin", "vy-y")
    before = await svc.head()
    for (method, _), (path, body) in REQUESTS.items():
        answer = await svc.client.request(method.upper(), path, json=body, headers=outsider)
        assert answer.status_code == 404, f"{method} {path}: {answer.status_code} {answer.text}"
        assert answer.json()["error"] in (
            "unknown_unit", "unknown_member", "unknown_case", "unknown_person", "unknown_import",
        )  # fmt: skip
        ghost = await svc.client.request(
            method.upper(), ghostly(path), json=json.loads(ghostly(json.dumps(body))), headers=outsider
        )
        # Byte for byte the same answer, but for the id it echoes.
        assert ghostly(answer.text) == ghost.text, f"{method} {path}"
        assert answer.headers["content-length"] == ghost.headers["content-length"], f"{method} {path}"
    assert await svc.head() == before


async def test_a_role_without_the_permission_is_refused_inside_its_scope(svc: Membership) -> None:
    secretary = svc.token("branch_secretary", "pl-x-1")
    for path, body in [
        ("/members", admission("sc-3")),
        ("/members/sc-1/discipline", {"level": "warning", "decision_ref": "x", "decided_on": D}),
        ("/people/sc-1/erasure", {"request_ref": "x"}),
    ]:
        answer = await svc.client.post(path, json=body, headers=secretary)
        assert answer.status_code == 403 and answer.json()["error"] == "forbidden_role", answer.text
        # Refused on the role before anything is looked up: an id that does not exist gets the same.
        ghost = await svc.client.post(ghostly(path), json=body, headers=secretary)
        assert ghost.text == answer.text


async def test_a_referrer_is_a_member_in_the_tokens_scope_and_the_new_members_union(svc: Membership) -> None:
    secretary = svc.token("union_secretary", "pl-x")
    await svc.accept("/members", admission("vy-1", branch="vy-y-1"))
    # A member of another union, named by this union's secretary: the answer for no member at all.
    elsewhere = await svc.refuse(
        "/members", {**admission("ref-1"), "referred_by": "vy-1"}, 404, "unknown_member", headers=secretary
    )
    nobody = await svc.refuse(
        "/members", {**admission("ref-1"), "referred_by": "zz-9"}, 404, "unknown_member", headers=secretary
    )
    assert json.dumps(elsewhere).replace("vy-1", "zz-9") == json.dumps(nobody)
    assert elsewhere["detail"][0]["field"] == "referred_by"
    # In the scope of the central admin, but of another union: "1+1" counts within the union.
    other_union = await svc.refuse(
        "/members", {**admission("ref-1"), "referred_by": "vy-1"}, 422, "referrer_of_another_union"
    )
    assert other_union["detail"][0]["accepted"].startswith("a member of union 'pl-x'")
    # No referrer, one of the same branch, one of another branch of the union: accepted.
    await svc.accept("/members", admission("ref-1"), headers=secretary)
    await svc.accept("/members", {**admission("ref-2"), "referred_by": "sc-1"}, headers=secretary)
    await svc.accept(
        "/members", {**admission("ref-3", branch="pl-x-2"), "referred_by": "sc-1"}, headers=secretary
    )


async def test_a_transfer_into_another_district_is_released_here_and_accepted_there(svc: Membership) -> None:
    sender, receiver = svc.token("union_secretary", "pl-x"), svc.token("union_secretary", "vy-y")
    await svc.accept("/members", admission("mv-1"), headers=sender)
    base = "/members/mv-1/transfers"
    # The destination lies outside the sender's scope: the answer tells only whether it is an active
    # branch, the same for a unit elsewhere that is not one and for no unit at all.
    not_a_branch = await svc.refuse(
        base, {"to_branch_id": "vy-y", "requested_on": D}, 422, "transfer_to_branch", headers=sender
    )
    nothing = await svc.refuse(
        base, {"to_branch_id": "zz-y", "requested_on": D}, 422, "transfer_to_branch", headers=sender
    )
    assert json.dumps(not_a_branch).replace("vy-y", "zz-y") == json.dumps(nothing)
    requested = {"to_branch_id": "vy-y-1", "requested_on": D, "transfer_id": "t-mv"}
    await svc.accept(base, requested, headers=sender)
    await svc.accept(f"{base}/t-mv/release", {"released_on": D}, headers=sender)
    # The sender sees the member but does not receive them; the receiver acts on a member it cannot read yet.
    await svc.refuse(f"{base}/t-mv/accept", {"accepted_on": D}, 403, "receiving_branch_only", headers=sender)
    assert (await svc.client.get("/members/mv-1", headers=receiver)).status_code == 404
    await svc.accept(f"{base}/t-mv/accept", {"accepted_on": D}, headers=receiver)
    moved = await svc.client.get("/members/mv-1", headers=receiver)
    assert moved.status_code == 200 and moved.json()["branch_id"] == "vy-y-1"
    left = await svc.client.get("/members/mv-1", headers=sender)
    assert left.status_code == 404 and left.json()["error"] == "unknown_member"
