"""Signing in: lockout, reset by the unit above, the second factor, revocation, sign-out, expiry."""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp

from tests.identity.conftest import NEW_PASSWORD, World, bearer


async def test_repeated_failures_lock_the_login_until_an_admin_above_resets_it(world: World) -> None:
    tokens = await world.officer("hay.quen", "district_officer", "bg-pl")
    for _ in range(3):
        wrong = await world.sign_in("hay.quen", "không phải mật khẩu")
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_credentials"
    locked = await world.sign_in("hay.quen", NEW_PASSWORD)  # even the right password, while locked
    assert locked.status_code == 423 and locked.json()["error"] == "account_locked"
    # An unknown login name is counted and locked alike: the answers tell nothing of who exists.
    for _ in range(3):
        await world.sign_in("khong.ai", "không phải mật khẩu")
    assert (await world.sign_in("khong.ai", "x" * 12)).json()["error"] == "account_locked"
    history = await world.app.state.identity.store.read_stream(f"account-{tokens['account_id']}")
    assert history[-1].type == "AccountLocked"

    # Its own level may not reset it; the province (a unit above) does.
    district_admin = bearer(await world.officer("admin.pl", "admin", "bg-pl"))
    body = {"password": "mật khẩu tạm thời 1"}
    own = await world.client.post(
        f"/accounts/{tokens['account_id']}/reset", headers=district_admin, json=body
    )
    assert own.status_code == 403 and own.json()["error"] == "not_a_unit_above"
    reset = await world.client.post(
        f"/accounts/{tokens['account_id']}/reset", headers=world.operator("admin", "bg"), json=body
    )
    assert reset.status_code == 200, reset.text
    again = await world.sign_in("hay.quen", "mật khẩu tạm thời 1", new_password="mật khẩu của riêng tôi")
    assert again.status_code == 201, again.text

    world.clock.advance(timedelta(minutes=11))  # a lock ends by itself too
    assert (await world.sign_in("khong.ai", "x" * 12)).json()["error"] == "invalid_credentials"


async def test_the_second_factor_is_asked_once_on_and_a_code_serves_once(world: World) -> None:
    tokens = await world.officer("hai.lop", "district_officer", "bg-pl")
    enrolment = (await world.client.post("/accounts/me/totp", headers=bearer(tokens))).json()
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/chudong:hai.lop?secret=")
    assert enrolment["qr_svg"].startswith("<svg")
    totp = pyotp.TOTP(enrolment["secret"])
    bad = await world.client.post(
        "/accounts/me/totp/confirm",
        headers=bearer(tokens),
        json={"secret": enrolment["secret"], "code": "000000"},
    )
    assert bad.status_code == 422 and bad.json()["error"] == "totp_invalid"
    confirmed = await world.client.post(
        "/accounts/me/totp/confirm",
        headers=bearer(tokens),
        json={"secret": enrolment["secret"], "code": totp.now()},
    )
    assert confirmed.status_code == 201, confirmed.text

    asked = await world.sign_in("hai.lop")
    assert asked.status_code == 401 and asked.json()["error"] == "totp_required"
    wrong = await world.sign_in("hai.lop", totp_code="123456" if totp.now() != "123456" else "654321")
    assert wrong.status_code == 401 and wrong.json()["error"] == "totp_invalid"
    code = totp.at(time.time() + 30)  # the next step's code (one step of clock drift is allowed)
    assert (await world.sign_in("hai.lop", totp_code=code)).status_code == 201
    replayed = await world.sign_in("hai.lop", totp_code=code)
    assert replayed.status_code == 401 and replayed.json()["error"] == "totp_invalid"


async def test_revoking_the_grant_or_signing_out_ends_the_session(world: World) -> None:
    tokens = await world.officer("bi.thu", "union_secretary", "dcs-1")
    refreshed = await world.client.post("/sessions/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    rotated = refreshed.json()
    assert (
        rotated["session_id"] == tokens["session_id"] and rotated["refresh_token"] != tokens["refresh_token"]
    )

    # A refresh token used twice: someone else holds a copy; the session ends for both.
    reused = await world.client.post("/sessions/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 401 and reused.json()["error"] == "session_ended"
    gone = await world.client.post("/sessions/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert gone.status_code == 401

    second = await world.sign_in("bi.thu")
    assert second.status_code == 201
    revoked = await world.client.post(
        f"/grants/{second.json()['grant']['grant_id']}/revocation", headers=world.operator(), json={}
    )
    assert revoked.status_code == 200, revoked.text
    after = await world.client.post(
        "/sessions/refresh", json={"refresh_token": second.json()["refresh_token"]}
    )
    assert after.status_code == 401 and after.json()["error"] == "session_ended"
    # Identity itself knows at once: its own routes refuse the access token still in its life.
    me = await world.client.get("/accounts/me", headers=bearer(second.json()))
    assert me.status_code == 401 and me.json()["error"] == "session_ended"
    no_role = await world.sign_in("bi.thu")
    assert no_role.status_code == 403 and no_role.json()["error"] == "no_live_grant"


async def test_sign_out_everywhere_ends_every_session_of_the_account(world: World) -> None:
    first = await world.officer("nhieu.may", "district_officer", "bg-pl")
    second = (await world.sign_in("nhieu.may")).json()
    ended = await world.client.post("/sessions/sign-out-everywhere", headers=bearer(second))
    assert ended.json() == {"signed_out": 2}
    for tokens in (first, second):
        answer = await world.client.post("/sessions/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert answer.status_code == 401


async def test_an_idle_session_ends_and_so_does_an_old_one(world: World) -> None:
    tokens = await world.officer("it.dung", "district_officer", "bg-pl")
    world.clock.advance(timedelta(minutes=59))
    kept = await world.client.post("/sessions/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert kept.status_code == 200
    world.clock.advance(timedelta(minutes=61))
    idle = await world.client.post("/sessions/refresh", json={"refresh_token": kept.json()["refresh_token"]})
    assert idle.status_code == 401 and idle.json()["error"] == "session_ended"

    fresh = (await world.sign_in("it.dung")).json()
    for _ in range(14):  # refreshed every 55 minutes, still past its 12 hours
        world.clock.advance(timedelta(minutes=55))
        answer = await world.client.post("/sessions/refresh", json={"refresh_token": fresh["refresh_token"]})
        if answer.status_code != 200:
            break
        fresh = answer.json()
    assert answer.status_code == 401 and answer.json()["error"] == "session_ended"


async def test_an_officer_with_two_grants_acts_under_one_at_a_time(world: World) -> None:
    by_operator = world.operator()
    account = await world.open_account("bg-pl", "hai.vai", by_operator)
    province = await world.grant(account, "province_officer", "bg", by_operator)
    district = await world.grant(account, "district_officer", "bg-pl", by_operator)
    tokens = await world.first_sign_in("hai.vai")
    assert tokens["grant"]["grant_id"] == province  # the highest unit first
    assert {g["grant_id"] for g in tokens["grants"]} == {province, district}
    switched = await world.client.post(
        "/sessions/refresh", json={"refresh_token": tokens["refresh_token"], "grant_id": district}
    )
    assert switched.status_code == 200, switched.text
    assert (switched.json()["grant"]["role"], switched.json()["grant"]["unit_id"]) == (
        "district_officer",
        "bg-pl",
    )
    again = await world.client.post(
        "/sessions/refresh", json={"refresh_token": switched.json()["refresh_token"]}
    )
    assert again.json()["grant"]["grant_id"] == district  # the session keeps the grant it acts under
    other = await world.client.post(
        "/sessions/refresh", json={"refresh_token": again.json()["refresh_token"], "grant_id": "g-not-mine"}
    )
    assert other.status_code == 403 and other.json()["error"] == "unknown_grant"
