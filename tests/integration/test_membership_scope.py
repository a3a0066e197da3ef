"""Every membership route enforces the unit scope of the caller's token: a unit outside it gets 403."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from shared.bus.nats_server import EmbeddedNats
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
    ("get", "/units/{unit_id}/members/export"): ("/units/pl-x/members/export", None),
    ("post", "/people/{person_id}/erasure"): ("/people/sc-1/erasure", {"request_ref": "x"}),
    ("get", "/units/{unit_id}/personal-reads"): ("/units/pl-x/personal-reads", None),
}
NOT_ABOUT_A_UNIT = {
    ("get", "/healthz"),
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
        yield service


async def test_every_route_refuses_a_unit_outside_the_tokens_scope(svc: Membership) -> None:
    routes = {(method, path) for path, ops in svc.app.openapi()["paths"].items() for method in ops}
    assert routes - NOT_ABOUT_A_UNIT == set(REQUESTS), "every route needs a scope check here"
    # An administrator of another district's union: every permission, the wrong subtree.
    outsider = svc.token("admin", "vy-y")
    before = await svc.head()
    for (method, _), (path, body) in REQUESTS.items():
        answer = await svc.client.request(method.upper(), path, json=body, headers=outsider)
        assert answer.status_code == 403, f"{method} {path}: {answer.status_code} {answer.text}"
        assert answer.json()["error"] == "out_of_scope", answer.text
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
