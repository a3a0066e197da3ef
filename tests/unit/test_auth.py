"""Tokens, roles and unit scope."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.auth import Permission, Role, TokenError, decode_token, mint_token, permissions_of
from shared.http.auth import Reach
from shared.ids import path_contains

SECRET = "k" * 32


def test_a_minted_token_carries_the_role_and_unit() -> None:
    token = mint_token(SECRET, subject="u1", role=Role.DISTRICT_OFFICER, unit_id="bg-pl", name="Nguyễn Văn A")
    principal = decode_token(token, SECRET)
    assert (principal.subject, principal.role, principal.unit_id, principal.name) == (
        "u1",
        Role.DISTRICT_OFFICER,
        "bg-pl",
        "Nguyễn Văn A",
    )
    assert principal.can(Permission.APPRAISE) and not principal.can(Permission.OPERATE)


def test_expired_foreign_and_malformed_tokens_are_refused() -> None:
    expired = mint_token(SECRET, subject="u", role=Role.ADMIN, unit_id="vn", lifetime=timedelta(seconds=-1))
    with pytest.raises(TokenError, match="expired"):
        decode_token(expired, SECRET)
    with pytest.raises(TokenError):
        decode_token(mint_token("x" * 32, subject="u", role=Role.ADMIN, unit_id="vn"), SECRET)
    with pytest.raises(TokenError):
        decode_token("not-a-token", SECRET)
    with pytest.raises(TokenError, match="unit id"):
        mint_token(SECRET, subject="u", role=Role.ADMIN, unit_id="Tỉnh đoàn")


@pytest.mark.parametrize(
    ("scope", "path", "inside"),
    [
        ("vn.bg", "vn.bg", True),
        ("vn.bg", "vn.bg.pl.x", True),
        ("vn.bg", "vn.bgx", False),
        ("vn.bg.pl", "vn.bg.vy.y", False),
        ("vn.bg.pl", "vn.bg", False),
    ],
)
def test_a_scope_holds_its_unit_and_the_units_below_it_only(scope: str, path: str, inside: bool) -> None:
    assert path_contains(scope, path) is inside


def test_only_the_admin_operates_and_only_the_auditor_and_admin_audit() -> None:
    assert {r for r in Role if Permission.OPERATE in permissions_of(r)} == {Role.ADMIN}
    assert {r for r in Role if Permission.AUDIT in permissions_of(r)} == {Role.AUDITOR, Role.ADMIN}
    assert Permission.MANAGE_MEMBERS not in permissions_of(Role.AUDITOR)


def test_a_reach_covers_the_tokens_subtree_and_those_the_domain_opens_beside_it() -> None:
    reach = Reach(("vn.bg.pl.x.x-1", "vn.bg.pl.x.x-2"))
    assert reach.covers("vn.bg.pl.x.x-1") and reach.covers("vn.bg.pl.x.x-2")
    assert not reach.covers("vn.bg.pl.x.x-3") and not reach.covers("vn.bg.pl.x") and not reach.covers(None)
    assert not Reach(()).covers("vn")
