"""Every membership command over HTTP: accepted once (an idempotent retry writes nothing), and each rule refused
with an error that names it, with nothing written."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openpyxl import load_workbook

from chudong.nats.server import EmbeddedNats
from services.membership.domain.streams import unit_stream
from shared.contracts import membership as ms
from tests.membership_api import Membership, admission, membership_service, profile
from tests.support import unit_body


@pytest.fixture(scope="module")
async def svc(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Membership]:
    base = tmp_path_factory.mktemp("membership")
    server = EmbeddedNats(base / "nats").start()
    try:
        async with membership_service(base, server.url) as service:
            yield service
    finally:
        server.stop()


async def test_admission_checks_age_branch_referrer_and_date(svc: Membership) -> None:
    answer = await svc.accept("/members", admission("adm-1"))
    assert answer["member_id"] == "adm-1" and answer["events"][0]["type"] == "MemberJoined"
    await svc.accept("/members", {**admission("adm-2", born="2009-01-01"), "referred_by": "adm-1"})
    await svc.refuse("/members", admission("adm-3", born="2010-02-01"), 422, "age_at_admission")  # 14
    await svc.refuse("/members", admission("adm-3", born="1993-01-01"), 422, "age_at_admission")  # 32
    await svc.refuse("/members", {**admission("adm-3"), "referred_by": "nobody"}, 404, "unknown_member")
    await svc.refuse("/members", admission("adm-3", branch="pl-x"), 422, "admission_into_branch")
    await svc.refuse("/members", admission("adm-3", joined="2026-12-01"), 422, "admission_in_future")
    await svc.refuse("/members", admission("adm-1"), 409, "member_exists")


async def test_the_personal_record_is_sealed_and_shown_only_to_roles_that_may_read_it(
    svc: Membership,
) -> None:
    await svc.accept("/members", admission("rec-1", name="Trần Thị Bình", ethnicity="Tày"))
    full = (await svc.client.get("/members/rec-1", headers=svc.token("union_secretary", "pl-x"))).json()
    assert full["profile"]["full_name"] == "Trần Thị Bình" and "gender" in full["missing_fields"]
    auditor = (await svc.client.get("/members/rec-1", headers=svc.token("auditor", "bg"))).json()
    assert "profile" not in auditor and auditor["birth_year"] == 2000
    history = (await svc.client.get("/members/rec-1/history", headers=svc.token())).text
    assert "Trần" not in history and "ciphertext" in history
    updated = admission("rec-1", name="Trần Thị Bình", ethnicity="Tày", gender="female", address="Phước Long")
    await svc.accept("/members/rec-1/profile", {"profile": updated["profile"]}, method="PUT")
    after = (await svc.client.get("/members/rec-1", headers=svc.token())).json()
    assert after["missing_fields"] == [] and after["profile"]["address"] == "Phước Long"
    reads = (
        await svc.client.get("/units/pl-x/personal-reads?person_id=rec-1", headers=svc.token("auditor", "bg"))
    ).json()
    assert len(reads) == 2 and {r["purpose"] for r in reads} == {"member"}


async def test_a_birth_date_outside_the_years_on_record_is_refused_naming_the_field(svc: Membership) -> None:
    await svc.accept("/members", admission("born-1"))
    for born in ("1764-11-01", "2101-01-01"):
        refused = await svc.refuse(
            "/members/born-1/profile", {"profile": profile(born=born)}, 422, "invalid_request", method="PUT"
        )
        detail = refused["detail"][0]
        assert (detail["field"], detail["value"]) == ("profile.birth_date", born)
        assert detail["accepted"] == "a date of birth from 1900-01-01 to 2100-12-31"


async def test_a_transfer_is_released_before_it_is_accepted_and_closes_once(svc: Membership) -> None:
    await svc.accept("/members", admission("tr-1"))
    base = "/members/tr-1/transfers"
    await svc.refuse(
        base, {"to_branch_id": "pl-x-1", "requested_on": "2026-10-01"}, 422, "transfer_to_same_branch"
    )
    await svc.refuse(base, {"to_branch_id": "pl-x", "requested_on": "2026-10-01"}, 422, "transfer_to_branch")
    requested = {"to_branch_id": "vy-y-1", "requested_on": "2026-10-01", "transfer_id": "t-1"}
    assert (await svc.accept(base, requested))["transfer_id"] == "t-1"
    await svc.refuse(base, {**requested, "transfer_id": "t-2"}, 409, "transfer_open")
    await svc.refuse(f"{base}/t-1/accept", {"accepted_on": "2026-10-05"}, 409, "transfer_not_released")
    await svc.refuse(f"{base}/t-9/release", {"released_on": "2026-10-03"}, 404, "unknown_transfer")
    await svc.refuse(f"{base}/t-1/release", {"released_on": "2026-09-30"}, 422, "date_before_the_request")
    await svc.accept(f"{base}/t-1/release", {"released_on": "2026-10-03"})
    await svc.refuse(f"{base}/t-1/release", {"released_on": "2026-10-04"}, 409, "transfer_already_released")
    assert (await svc.client.get("/members/tr-1", headers=svc.token())).json()["status"] == "in_transfer"
    await svc.accept(f"{base}/t-1/accept", {"accepted_on": "2026-10-05"})
    await svc.refuse(f"{base}/t-1/accept", {"accepted_on": "2026-10-06"}, 409, "transfer_closed")
    moved = (await svc.client.get("/members/tr-1", headers=svc.token())).json()
    assert moved["branch_id"] == "vy-y-1" and moved["status"] == "active"
    listed = (await svc.client.get("/units/bg-vy/members", headers=svc.token())).json()
    assert "tr-1" in {m["member_id"] for m in listed["items"]}


async def listed(svc: Membership, unit: str, **params: str) -> dict[str, str]:
    """The members ``GET /units/{unit}/members`` lists, with the branch each is listed in."""
    answer = await svc.client.get(f"/units/{unit}/members", params=params, headers=svc.token())
    assert answer.status_code == 200, answer.text
    return {m["member_id"]: m["branch_id"] for m in answer.json()["items"]}


async def exported(svc: Membership, unit: str) -> dict[str, str]:
    """The members of the unit's xlsx export, with the branch each is exported in."""
    answer = await svc.client.get(f"/units/{unit}/members/export", headers=svc.token())
    assert answer.status_code == 200, answer.text
    header, *rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    member, branch = header.index("Mã đoàn viên"), header.index("Mã chi đoàn")
    return {str(row[member]): str(row[branch]) for row in rows}


async def test_after_a_transfer_the_member_is_listed_exported_and_counted_in_the_new_branch_only(
    svc: Membership,
) -> None:
    await svc.accept("/members", admission("ls-1"))
    await svc.accept("/members", admission("ls-2"))
    base = "/members/ls-1/transfers"
    await svc.accept(base, {"to_branch_id": "vy-y-1", "requested_on": "2026-10-01", "transfer_id": "t-ls"})
    await svc.accept(f"{base}/t-ls/release", {"released_on": "2026-10-03"})
    # Released and not yet taken in: still on the old branch's rolls, as between two branches.
    assert (await listed(svc, "pl-x-1", status="in_transfer")).get("ls-1") == "pl-x-1"
    await svc.accept(f"{base}/t-ls/accept", {"accepted_on": "2026-10-05"})
    for old in ("pl-x-1", "pl-x", "bg-pl"):
        members, sheet = await listed(svc, old), await exported(svc, old)
        assert "ls-1" not in members and "ls-1" not in sheet, old
        assert members["ls-2"] == sheet["ls-2"] == "pl-x-1"
    for new in ("vy-y-1", "vy-y", "bg-vy"):
        assert (await listed(svc, new))["ls-1"] == (await exported(svc, new))["ls-1"] == "vy-y-1", new
    assert (await listed(svc, "vy-y-1", status="active"))["ls-1"] == "vy-y-1"
    # A roster review counts the branch's members on the rolls: ls-1 in vy-y-1's, no longer in pl-x-1's.
    counts = {}
    for branch in ("pl-x-1", "vy-y-1"):
        on_rolls = len(await listed(svc, branch, status="active")) + len(
            await listed(svc, branch, status="in_transfer")
        )
        await svc.accept(f"/units/{branch}/roster-reviews", {"reviewed_on": "2026-11-20"})
        review = (await svc.app.state.runtime.store.read_stream(unit_stream(branch)))[-1].payload
        assert isinstance(review, ms.BranchRosterReviewed)
        counts[branch] = (review.active_members, on_rolls)
    assert all(reviewed == on_rolls for reviewed, on_rolls in counts.values()), counts


async def test_a_returned_transfer_leaves_the_member_in_the_source_branch(svc: Membership) -> None:
    await svc.accept("/members", admission("tr-2"))
    base = "/members/tr-2/transfers"
    await svc.accept(base, {"to_branch_id": "pl-x-2", "requested_on": "2026-10-01", "transfer_id": "t-3"})
    await svc.refuse(
        f"{base}/t-3/return", {"returned_on": "2026-10-02", "reason": "x"}, 409, "transfer_not_released"
    )
    await svc.accept(f"{base}/t-3/release", {"released_on": "2026-10-02"})
    await svc.accept(f"{base}/t-3/return", {"returned_on": "2026-10-04", "reason": "không đúng địa bàn"})
    await svc.refuse(f"{base}/t-3/accept", {"accepted_on": "2026-10-05"}, 409, "transfer_closed")
    assert (await svc.client.get("/members/tr-2", headers=svc.token())).json()["branch_id"] == "pl-x-1"


async def test_ageing_out_from_30_and_extensions_never_past_35(svc: Membership) -> None:
    await svc.accept("/members", admission("age-1", born="1995-03-01", joined="2024-06-01"))
    await svc.accept("/members", admission("age-2", born="2004-03-01"))
    await svc.refuse("/members/age-2/maturity", {"matured_on": "2026-11-01"}, 422, "maturity_age")
    await svc.refuse(
        "/members/age-1/extensions", {"until": "2030-03-02", "reason": "cán bộ"}, 422, "extension_past_35"
    )
    await svc.accept("/members/age-1/extensions", {"until": "2030-03-01", "reason": "cán bộ Đoàn"})
    await svc.accept("/members/age-1/maturity", {"matured_on": "2026-11-01"})
    await svc.refuse("/members/age-1/maturity", {"matured_on": "2026-11-02"}, 409, "member_not_active")


async def test_discipline_expulsion_and_striking_off_end_membership(svc: Membership) -> None:
    for member in ("dis-1", "dis-2", "dis-3"):
        await svc.accept("/members", admission(member))
    decision = {"level": "warning", "decision_ref": "QĐ 5/QĐKL", "decided_on": "2026-11-20"}
    await svc.accept("/members/dis-1/discipline", decision)
    await svc.refuse("/members/dis-1/discipline", {**decision, "level": "fine"}, 422, "invalid_request")
    await svc.refuse(
        "/members/dis-1/discipline", {**decision, "decided_on": "2027-01-01"}, 422, "date_in_future"
    )
    await svc.accept("/members/dis-2/discipline", {**decision, "level": "expulsion"})
    await svc.refuse(
        "/members/dis-2/strike-off", {"struck_on": "2026-11-21", "reason": "x"}, 409, "member_not_active"
    )
    await svc.accept(
        "/members/dis-3/strike-off", {"struck_on": "2026-11-21", "reason": "3 tháng không sinh hoạt"}
    )
    await svc.refuse(
        "/members/dis-3/cards", {"card_number": "1", "issued_on": "2026-11-22"}, 409, "member_not_active"
    )
    struck = (await svc.client.get("/units/pl-x/members?status=struck_off", headers=svc.token())).json()
    expelled = (await svc.client.get("/units/pl-x/members?status=expelled", headers=svc.token())).json()
    assert "dis-3" in {m["member_id"] for m in struck["items"]}
    assert "dis-2" in {m["member_id"] for m in expelled["items"]}


async def test_card_dues_and_inactivity(svc: Membership) -> None:
    await svc.accept("/members", admission("due-1"))
    await svc.accept("/members/due-1/cards", {"card_number": "BG-000123", "issued_on": "2026-02-01"})
    await svc.accept("/members/due-1/dues", {"month": "2026-10", "amount_vnd": 2000})
    await svc.refuse(
        "/members/due-1/dues", {"month": "2026-10", "amount_vnd": 2000}, 409, "dues_already_recorded"
    )
    await svc.refuse("/members/due-1/dues", {"month": "2026-09", "amount_vnd": 3000}, 422, "dues_amount")
    await svc.refuse(
        "/members/due-1/dues", {"month": "2024-12", "amount_vnd": 2000}, 422, "dues_month_outside_membership"
    )
    await svc.accept("/members/due-1/dues-exemptions", {"month": "2026-09", "reason": "ốm dài ngày"})
    await svc.accept(
        "/members/due-1/inactivity-reviews", {"reviewed_on": "2026-11-01", "outcome": "kept: đi làm xa"}
    )
    await svc.refuse(
        "/members/due-1/inactivity-reviews",
        {"reviewed_on": "2026-11-01", "outcome": "ignored"},
        422,
        "inactivity_outcome",
    )
    member = (await svc.client.get("/members/due-1", headers=svc.token())).json()
    assert member["card_number"] == "BG-000123"


async def test_the_annual_rating_needs_six_months_in_the_branch_and_comes_once_a_year(
    svc: Membership,
) -> None:
    await svc.accept("/members", admission("rat-1", joined="2026-01-10"))
    await svc.accept("/members", admission("rat-2", joined="2026-09-01"))
    rating = {"year": 2026, "rating": "excellent", "rated_on": "2026-11-25"}
    await svc.refuse("/members/rat-2/ratings", rating, 422, "rating_needs_six_months_in_branch")
    await svc.accept("/members/rat-1/ratings", rating)
    await svc.refuse("/members/rat-1/ratings", {**rating, "rating": "good"}, 409, "rated_once_a_year")
    await svc.refuse("/members/rat-1/ratings", {**rating, "year": 2023}, 422, "rating_year")


async def test_the_training_programme_is_registered_then_evaluated_once(svc: Membership) -> None:
    await svc.accept("/members", admission("trn-1"))
    await svc.refuse(
        "/members/trn-1/training/2026/evaluation", {"result": "good"}, 409, "training_not_registered"
    )
    await svc.accept("/members/trn-1/training", {"year": 2026})
    await svc.refuse("/members/trn-1/training", {"year": 2026}, 409, "training_already_registered")
    await svc.accept("/members/trn-1/training/2026/evaluation", {"result": "good"})
    await svc.refuse(
        "/members/trn-1/training/2026/evaluation", {"result": "excellent"}, 409, "training_already_evaluated"
    )


async def test_one_plus_one_recruits_and_party_referrals(svc: Membership) -> None:
    await svc.accept("/members", admission("pty-1"))
    recruit = {"into": "association", "recruited_on": "2026-11-02", "recruit_id": "p-r1"}
    await svc.accept("/members/pty-1/recruits", recruit)
    await svc.refuse("/members/pty-1/recruits", recruit, 409, "recruit_recorded")
    await svc.refuse("/members/pty-1/recruits", {**recruit, "into": "club"}, 422, "invalid_request")
    referral = {"referred_on": "2026-06-01", "decision_ref": "GT 3/ĐTN", "referral_id": "r-1"}
    await svc.accept("/members/pty-1/party-referrals", referral)
    await svc.refuse(
        "/members/pty-1/party-referrals", {**referral, "referral_id": "r-2"}, 409, "referral_open"
    )
    await svc.refuse(
        "/members/pty-1/party-referrals/r-9/outcome",
        {"admitted": True, "decided_on": "2026-11-01"},
        404,
        "unknown_referral",
    )
    await svc.accept(
        "/members/pty-1/party-referrals/r-1/outcome", {"admitted": True, "decided_on": "2026-11-01"}
    )
    await svc.refuse(
        "/members/pty-1/party-referrals/r-1/outcome",
        {"admitted": False, "decided_on": "2026-11-02"},
        409,
        "referral_decided",
    )


async def test_units_are_renamed_moved_with_their_members_and_closed_only_when_empty(svc: Membership) -> None:
    await svc.accept(
        "/units",
        {
            "unit_id": "mv-g",
            "name": "ĐCS Mới",
            "level": "grassroots",
            "unit_type": "enterprise",
            "parent_id": "bg-pl",
            "established_on": "2020-01-01",
        },
    )
    await svc.accept(
        "/units",
        {
            "unit_id": "mv-g-1",
            "name": "Chi đoàn 1",
            "level": "branch",
            "unit_type": "enterprise",
            "parent_id": "mv-g",
            "established_on": "2020-01-01",
        },
    )
    await svc.accept("/members", admission("mv-m", branch="mv-g-1"))
    await svc.accept("/units/mv-g/name", {"name": "ĐCS Công ty Mới"})
    await svc.refuse("/units/mv-g/name", {"name": "ĐCS Công ty Mới"}, 409, "same_name")
    await svc.refuse("/units/mv-g/move", {"new_parent_id": "mv-g-1"}, 422, "move_under_itself")
    await svc.refuse("/units/mv-g/move", {"new_parent_id": "pl-x"}, 422, "level_under_parent")
    await svc.accept("/units/mv-g/move", {"new_parent_id": "bg-vy"})
    branch = (await svc.client.get("/units/mv-g-1", headers=svc.token())).json()
    assert branch["path"] == "vn.bg.bg-vy.mv-g.mv-g-1"
    assert (await svc.client.get("/units/mv-g", headers=svc.token())).json()["recognising_unit_id"] == "bg-vy"
    in_vy = (await svc.client.get("/units/bg-vy/members", headers=svc.token())).json()
    assert "mv-m" in {m["member_id"] for m in in_vy["items"]}
    await svc.refuse("/units/mv-g-1/closure", {"reason": "giải thể"}, 409, "unit_not_empty")
    await svc.accept(
        "/members/mv-m/transfers",
        {"to_branch_id": "vy-y-1", "requested_on": "2026-11-01", "transfer_id": "t-mv"},
    )
    await svc.accept("/members/mv-m/transfers/t-mv/release", {"released_on": "2026-11-02"})
    await svc.accept("/members/mv-m/transfers/t-mv/accept", {"accepted_on": "2026-11-03"})
    await svc.refuse(
        "/units/mv-g-1/closure", {"reason": "sáp nhập", "merged_into": "bg-vy"}, 422, "merge_same_level"
    )
    await svc.accept(
        "/units/mv-g-1/closure", {"reason": "sáp nhập", "merged_into": "vy-y-1", "closed_on": "2026-11-10"}
    )
    await svc.refuse("/units/mv-g-1/name", {"name": "x"}, 409, "unit_closed")
    late = await svc.refuse(
        "/members", admission("mv-n", branch="mv-g-1", joined="2026-11-20"), 422, "outside_unit_dates"
    )
    assert late["detail"][0]["accepted"] == "a date from 2020-01-01 to 2026-11-10"


async def test_roster_reviews_and_dues_remitted_upward(svc: Membership) -> None:
    await svc.accept("/units/pl-x-2/roster-reviews", {"reviewed_on": "2026-11-10"})
    await svc.refuse(
        "/units/pl-x/roster-reviews", {"reviewed_on": "2026-11-10"}, 422, "roster_review_in_branch"
    )
    await svc.accept("/units/pl-x-2/dues-remittances", {"month": "2026-10", "amount_vnd": 24000})
    await svc.refuse(
        "/units/pl-x-2/dues-remittances", {"month": "2026-10", "amount_vnd": 1}, 409, "dues_already_remitted"
    )
    await svc.refuse(
        "/units/pl-x-2/dues-remittances", {"month": "2027-01", "amount_vnd": 1}, 422, "month_in_future"
    )


async def test_youth_situation_census_and_the_hardship_list(svc: Membership) -> None:
    report = {"quarter": "2026-Q3", "submitted_on": "2026-10-05", "summary": "ổn định"}
    await svc.accept("/units/pl-x/youth-situation-reports", report)
    await svc.refuse("/units/pl-x/youth-situation-reports", report, 409, "situation_already_reported")
    await svc.refuse(
        "/units/pl-x/youth-situation-reports",
        {**report, "quarter": "2026-Q4", "submitted_on": "2026-09-20"},
        422,
        "date_before_the_start_of_the_quarter",
    )
    await svc.accept(
        "/units/pl-x/youth-census", {"as_of": "2026-10-01", "counts": {"total": 420, "ethnic_minority": 35}}
    )
    await svc.refuse(
        "/units/pl-x/youth-census", {"as_of": "2026-10-01", "counts": {"total": -1}}, 422, "invalid_request"
    )
    case = {
        "case_id": "p-h1",
        "listed_on": "2026-09-01",
        "details": {"full_name": "Lò Văn Cường", "ethnicity": "Thái", "health": "khuyết tật"},
    }
    await svc.accept("/units/pl-x-1/hardship-cases", case)
    await svc.refuse("/units/pl-x-1/hardship-cases", case, 409, "case_exists")
    await svc.accept(
        "/hardship-cases/p-h1/care-actions", {"acted_on": "2026-10-01", "action": "tặng học bổng"}
    )
    await svc.accept("/units/pl-x/hardship-reviews", {"reviewed_on": "2026-10-02"})
    listed = (
        await svc.client.get("/units/pl-x-1/hardship-cases", headers=svc.token("branch_secretary", "pl-x-1"))
    ).text
    assert "p-h1" in listed and "Thái" not in listed
    forbidden = await svc.client.get("/hardship-cases/p-h1", headers=svc.token("branch_secretary", "pl-x-1"))
    assert forbidden.status_code == 403 and forbidden.json()["error"] == "forbidden_role"
    opened = (
        await svc.client.get("/hardship-cases/p-h1", headers=svc.token("union_secretary", "pl-x"))
    ).json()
    assert opened["details"]["ethnicity"] == "Thái" and opened["care_actions"] == 1
    log = (
        await svc.client.get(
            "/units/pl-x-1/personal-reads?person_id=p-h1", headers=svc.token("auditor", "bg")
        )
    ).json()
    assert [r["purpose"] for r in log] == ["hardship case"] and "ethnicity" in log[0]["fields"]
    await svc.accept("/hardship-cases/p-h1/closure", {"closed_on": "2026-11-01", "reason": "đã ổn định"})
    await svc.refuse(
        "/hardship-cases/p-h1/care-actions", {"acted_on": "2026-11-02", "action": "x"}, 409, "case_closed"
    )


async def test_two_officers_releasing_one_transfer_at_once_get_one_success_and_one_conflict(
    svc: Membership,
) -> None:
    await svc.accept("/members", admission("race-1"))
    await svc.accept(
        "/members/race-1/transfers",
        {"to_branch_id": "pl-x-2", "requested_on": "2026-11-01", "transfer_id": "t-r"},
    )
    before = await svc.head()
    answers = await asyncio.gather(
        *(
            svc.client.post(
                "/members/race-1/transfers/t-r/release",
                json={"released_on": f"2026-11-0{day}"},
                headers=svc.token(),
            )
            for day in (2, 3)
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    assert await svc.head() == before + 1


async def test_a_unit_carries_its_founding_and_closing_days_and_they_can_be_corrected(
    svc: Membership,
) -> None:
    union = {"unit_id": "dt-g", "name": "ĐCS Trường Tiểu học", "level": "grassroots"}
    union |= {"unit_type": "school", "parent_id": "bg-vy"}
    await svc.refuse("/units", union | {"established_on": "2026-12-01"}, 422, "date_in_future")
    await svc.accept("/units", union | {"established_on": "1995-03-26"})
    branch = {"unit_id": "dt-g-1", "name": "Chi đoàn giáo viên", "level": "branch"}
    await svc.accept(
        "/units",
        branch | {"unit_type": "school", "parent_id": "dt-g", "established_on": "2001-09-05"},
    )
    shown = (await svc.client.get("/units/dt-g-1", headers=svc.token())).json()
    assert (shown["established_on"], shown["closed_on"]) == ("2001-09-05", None)

    await svc.refuse(
        "/units/dt-g-1/closure", {"reason": "giải thể", "closed_on": "2000-01-01"}, 422, "before_unit_founded"
    )
    await svc.refuse(
        "/units/dt-g-1/dates",
        {"established_on": "2001-09-05", "closed_on": "2024-01-01", "reason": "x"},
        422,
        "unit_not_closed",
    )
    await svc.accept("/units/dt-g-1/closure", {"reason": "giải thể", "closed_on": "2024-06-30"})
    closed = (await svc.client.get("/units/dt-g-1", headers=svc.token())).json()
    assert (closed["status"], closed["closed_on"]) == ("closed", "2024-06-30")

    await svc.refuse(
        "/units/dt-g-1/dates",
        {"established_on": "2025-01-01", "reason": "sai ngày"},
        422,
        "before_unit_founded",
    )
    await svc.accept(
        "/units/dt-g-1/dates",
        {"established_on": "2001-09-01", "closed_on": "2024-07-31", "reason": "theo quyết định 12-QĐ/ĐTN"},
    )
    corrected = (await svc.client.get("/units/dt-g-1", headers=svc.token())).json()
    assert (corrected["established_on"], corrected["closed_on"]) == ("2001-09-01", "2024-07-31")
    undated = (await svc.client.get("/units/pl-x", headers=svc.token())).json()
    assert undated["established_on"] is not None  # a unit registered without a date opened that day


async def refuse_outside(svc: Membership, path: str, body: dict[str, Any], field: str, life: str) -> None:
    """Refused with 422 ``outside_unit_dates`` naming the field, its value and the unit's dates; nothing written."""
    answer = await svc.refuse(path, body, 422, "outside_unit_dates")
    detail = answer["detail"][0]
    assert (detail["field"], detail["value"]) == (field, body[field]), detail
    assert detail["accepted"].endswith(life), detail


async def test_records_before_a_unit_was_founded_are_refused_naming_the_field_and_its_dates(
    svc: Membership,
) -> None:
    await svc.accept("/units", unit_body("lf-g", "bg-pl", "grassroots") | {"established_on": "2010-01-01"})
    await svc.accept("/units", unit_body("lf-g-1", "lf-g", "branch") | {"established_on": "2020-03-01"})
    life = "from 2020-03-01"
    await refuse_outside(
        svc, "/members", admission("lf-0", branch="lf-g-1", joined="2020-02-29"), "joined_on", life
    )
    refusals: list[tuple[str, dict[str, Any], str]] = [
        ("/units/lf-g-1/roster-reviews", {"reviewed_on": "2020-02-29"}, "reviewed_on"),
        ("/units/lf-g-1/dues-remittances", {"month": "2020-02", "amount_vnd": 24000}, "month"),
        ("/units/lf-g-1/hardship-reviews", {"reviewed_on": "2020-02-29"}, "reviewed_on"),
        ("/units/lf-g-1/youth-census", {"as_of": "2020-02-29", "counts": {"total": 40}}, "as_of"),
        (
            "/units/lf-g-1/youth-situation-reports",
            {"quarter": "2020-Q1", "submitted_on": "2020-02-29", "summary": ""},
            "submitted_on",
        ),
        (
            "/units/lf-g-1/hardship-cases",
            {"listed_on": "2020-02-29", "details": {"full_name": "Lò Văn Cường"}},
            "listed_on",
        ),
    ]
    for path, body, field in refusals:
        await refuse_outside(svc, path, body, field, life)
    # The founding day itself is within the unit's life.
    await svc.accept("/members", admission("lf-1", branch="lf-g-1", joined="2020-03-01"))
    await svc.accept("/units/lf-g-1/dues-remittances", {"month": "2020-03", "amount_vnd": 24000})
    # Corrected later, the founding day moves what is accepted.
    await svc.accept(
        "/units/lf-g-1/dates", {"established_on": "2019-09-05", "reason": "theo quyết định 3-QĐ"}
    )
    await svc.accept("/units/lf-g-1/roster-reviews", {"reviewed_on": "2020-02-29"})
    await refuse_outside(
        svc, "/units/lf-g-1/roster-reviews", {"reviewed_on": "2019-09-04"}, "reviewed_on", "from 2019-09-05"
    )


async def test_a_closed_unit_takes_the_records_of_its_life_and_refuses_those_after_it(
    svc: Membership,
) -> None:
    await svc.accept("/units", unit_body("cl-g", "bg-pl", "grassroots") | {"established_on": "2010-01-01"})
    await svc.accept("/units", unit_body("cl-g-1", "cl-g", "branch") | {"established_on": "2020-03-01"})
    await svc.accept("/units/cl-g-1/closure", {"reason": "giải thể", "closed_on": "2026-06-30"})
    life = "from 2020-03-01 to 2026-06-30"
    # An undated command stays refused for a closed unit.
    await svc.refuse("/units/cl-g-1/name", {"name": "x"}, 409, "unit_closed")
    # Its history, entered after it closed, is accepted up to its closing day; nothing after it.
    await svc.accept("/units/cl-g-1/roster-reviews", {"reviewed_on": "2026-06-30"})
    await refuse_outside(
        svc, "/units/cl-g-1/roster-reviews", {"reviewed_on": "2026-07-01"}, "reviewed_on", life
    )
    await svc.accept("/units/cl-g-1/dues-remittances", {"month": "2026-06", "amount_vnd": 24000})
    await refuse_outside(
        svc, "/units/cl-g-1/dues-remittances", {"month": "2026-07", "amount_vnd": 24000}, "month", life
    )
    await refuse_outside(
        svc, "/members", admission("cl-0", branch="cl-g-1", joined="2026-07-01"), "joined_on", life
    )
    await svc.accept("/members", admission("cl-1", branch="cl-g-1", joined="2025-03-26"))
    member = "/members/cl-1"
    await refuse_outside(svc, f"{member}/party-referrals", {"referred_on": "2026-07-15"}, "referred_on", life)
    await svc.accept(f"{member}/party-referrals", {"referred_on": "2026-05-04", "referral_id": "r-cl"})
    await refuse_outside(svc, f"{member}/ratings", {"year": 2026, "rating": "good", "rated_on": "2026-09-01"},
                         "rated_on", life)  # fmt: skip
    await refuse_outside(svc, f"{member}/dues", {"month": "2026-08", "amount_vnd": 2000}, "month", life)
    await svc.accept(f"{member}/dues", {"month": "2026-06", "amount_vnd": 2000})
    transfer = {"to_branch_id": "vy-y-1", "transfer_id": "t-cl"}
    await refuse_outside(
        svc, f"{member}/transfers", transfer | {"requested_on": "2026-07-02"}, "requested_on", life
    )
    await svc.accept(f"{member}/transfers", transfer | {"requested_on": "2026-06-20"})
    await refuse_outside(
        svc, f"{member}/transfers/t-cl/release", {"released_on": "2026-07-02"}, "released_on", life
    )
    await svc.accept(f"{member}/transfers/t-cl/release", {"released_on": "2026-06-25"})
    await svc.accept(f"{member}/transfers/t-cl/accept", {"accepted_on": "2026-07-02"})  # into an open branch
    # A transfer into the closed branch, dated after it closed, is refused by the receiving branch's dates.
    await svc.accept("/members", admission("cl-2", branch="vy-y-1", joined="2025-03-26"))
    await refuse_outside(
        svc,
        "/members/cl-2/transfers",
        {"to_branch_id": "cl-g-1", "requested_on": "2026-07-02"},
        "requested_on",
        life,
    )
    case = {"case_id": "p-cl", "listed_on": "2026-06-01", "details": {"full_name": "Lò Thị Mai"}}
    await svc.accept("/units/cl-g-1/hardship-cases", case)
    await refuse_outside(
        svc,
        "/hardship-cases/p-cl/care-actions",
        {"acted_on": "2026-07-01", "action": "thăm hỏi"},
        "acted_on",
        life,
    )
    await svc.accept("/hardship-cases/p-cl/care-actions", {"acted_on": "2026-06-15", "action": "thăm hỏi"})
    await refuse_outside(
        svc,
        "/hardship-cases/p-cl/closure",
        {"closed_on": "2026-07-01", "reason": "ổn định"},
        "closed_on",
        life,
    )
    await svc.accept("/hardship-cases/p-cl/closure", {"closed_on": "2026-06-30", "reason": "ổn định"})
