"""Accounts and grants by the unit above: opened, granted, reset, erased; never at one's own level."""

from __future__ import annotations

import jwt
from sqlalchemy import select

from shared.auth import decode_token
from shared.store.keys import person_keys
from tests.identity.conftest import NEW_PASSWORD, PASSWORD, SECRET, World, bearer


async def test_a_province_admin_opens_a_district_officers_account_and_grants_the_district(
    world: World,
) -> None:
    province_admin = await world.officer("admin.bg", "admin", "bg")
    by_province = bearer(province_admin)
    account = await world.open_account("bg-pl", "hang.nguyen", by_province, email="hang@example.vn")
    grant = await world.grant(account, "district_officer", "bg-pl", by_province)

    first = await world.sign_in("Hang.Nguyen", PASSWORD)  # login names are not case-sensitive
    assert first.status_code == 403 and first.json()["error"] == "password_change_required"
    tokens = await world.first_sign_in("hang.nguyen")
    principal = decode_token(tokens["access_token"], SECRET)
    assert (principal.role.value, principal.unit_id, principal.subject) == (
        "district_officer",
        "bg-pl",
        account,
    )
    assert principal.grant_id == grant and principal.session_id == tokens["session_id"]
    assert principal.name == "Cán bộ hang.nguyen"
    claims = jwt.decode(tokens["access_token"], SECRET, algorithms=["HS256"], issuer="chudong")
    assert claims["exp"] - claims["iat"] == 60 == tokens["expires_in"]

    me = await world.client.get("/accounts/me", headers=bearer(tokens))
    assert me.status_code == 200 and me.json()["email"] == "hang@example.vn"
    assert [g["unit_id"] for g in me.json()["grants"]] == ["bg-pl"]
    # The province admin reads it; the officer, though a district officer, may not manage accounts.
    assert (await world.client.get(f"/accounts/{account}", headers=by_province)).status_code == 200
    refused = await world.client.get(f"/accounts/{account}", headers=bearer(tokens))
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden_role"


async def test_an_admin_grants_only_below_their_own_unit(world: World) -> None:
    district_admin = bearer(await world.officer("admin.pl", "admin", "bg-pl"))
    secretary = await world.open_account("dcs-1", "bithu.dcs1", district_admin)
    assert await world.grant(secretary, "union_secretary", "dcs-1", district_admin)

    own_level = await world.client.post(
        "/grants", headers=district_admin, json={"account_id": secretary, "role": "admin", "unit_id": "bg-pl"}
    )
    assert own_level.status_code == 403 and own_level.json()["error"] == "not_a_unit_above"
    own_account = await world.client.post(
        "/accounts",
        headers=district_admin,
        json={"unit_id": "bg-pl", "login_name": "dong.nghiep", "password": PASSWORD, "full_name": "A"},
    )
    assert own_account.status_code == 403 and own_account.json()["error"] == "not_a_unit_above"
    elsewhere = await world.client.post(
        "/accounts",
        headers=district_admin,
        json={"unit_id": "lg-1", "login_name": "khac.huyen", "password": PASSWORD, "full_name": "B"},
    )
    assert elsewhere.status_code == 404 and elsewhere.json()["error"] == "unknown_unit"

    # The root has no unit above it: the operator (the installation's key) grants there, nobody else.
    central = await world.open_account("bg", "trung.uong", world.operator())
    root = await world.client.post(
        "/grants", headers=world.operator(), json={"account_id": central, "role": "admin", "unit_id": "vn"}
    )
    assert root.status_code == 201, root.text
    central_admin = bearer(await world.first_sign_in("trung.uong"))
    again = await world.client.post(
        "/grants", headers=central_admin, json={"account_id": secretary, "role": "admin", "unit_id": "vn"}
    )
    assert again.status_code == 403 and again.json()["error"] == "not_a_unit_above"


async def test_auditors_and_admins_see_who_held_what_and_when(world: World) -> None:
    by_operator = world.operator()
    account = await world.open_account("bg-pl", "can.bo", by_operator)
    grant = await world.grant(account, "district_officer", "bg-pl", by_operator)
    revoked = await world.client.post(
        f"/grants/{grant}/revocation", headers=by_operator, json={"reason": "nghỉ"}
    )
    assert revoked.status_code == 200, revoked.text
    auditor = world.operator("auditor", "bg")
    listed = await world.client.get("/grants", params={"unit_id": "bg"}, headers=auditor)
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert (item["role"], item["unit_id"], item["issued_by"], item["revoked_by"], item["reason"]) == (
        "district_officer",
        "bg-pl",
        "operator",
        "operator",
        "nghỉ",
    )
    on_a_day = await world.client.get(
        "/grants", params={"unit_id": "bg", "on": "2026-01-01"}, headers=auditor
    )
    assert on_a_day.json()["items"] == []
    officer = await world.client.get(
        "/grants", params={"unit_id": "bg"}, headers=world.operator("district_officer", "bg")
    )
    assert officer.status_code == 403


async def test_an_erased_account_can_no_longer_be_read_nor_sign_in(world: World) -> None:
    tokens = await world.officer("xoa.toi", "district_officer", "bg-pl")
    account = tokens["account_id"]
    erased = await world.client.post(f"/accounts/{account}/erasure", headers=world.operator(), json={})
    assert erased.status_code == 200, erased.text
    async with world.app.state.runtime.db.read() as conn:
        assert (
            await conn.execute(select(person_keys).where(person_keys.c.person_id == account))
        ).first() is None
    history = await world.app.state.identity.store.read_stream(f"account-{account}")
    assert history[0].payload.personal.ciphertext  # the sealed fields stay, unreadable
    assert await world.app.state.identity.keys.open(history[0].payload.personal) is None
    signed = await world.sign_in("xoa.toi", NEW_PASSWORD)
    assert signed.status_code == 401 and signed.json()["error"] == "invalid_credentials"
    refreshed = await world.client.post("/sessions/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401 and refreshed.json()["error"] == "session_ended"
    grants = await world.client.get("/grants", params={"unit_id": "bg-pl"}, headers=world.operator())
    assert [g["reason"] for g in grants.json()["items"]] == ["erased"]
