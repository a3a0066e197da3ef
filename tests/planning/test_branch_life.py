"""Branch meetings, joint meetings ("1 liên kết"), secretaries' briefings ("2 giao") and monthly tasks."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.planning.conftest import CLOSED_BRANCH, MATURED, Planning, caught_up, errors_of


def meeting(planning: Planning, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "meeting_id": planning.new_id("mt"),
        "held_on": "2026-10-05",
        "kind": "periodic",
        "attendees": ["m-1", "m-2"],
        "agenda": "Sinh hoạt chủ điểm tháng 10",
    }
    return body | changes


async def hold(planning: Planning, branch: str, body: dict[str, Any], **kw: Any) -> Any:
    return await planning.post(
        f"/branches/{branch}/meetings", body, role="branch_secretary", unit=branch, **kw
    )


async def test_a_meeting_is_recorded_with_its_attendance_and_counted_for_its_month(
    planning: Planning,
) -> None:
    body = meeting(planning, held_on="2026-09-07")
    answer = await hold(planning, "pl-x-1", body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["meeting_id"] == body["meeting_id"]
    listed = (await planning.get("/units/pl-x/meetings?month=2026-09")).json()
    branch = next(b for b in listed["branches"] if b["branch_id"] == "pl-x-1")
    assert branch["meetings_per_month"] == {"2026-09": 1}
    # Expected attendance defaults to the branch's active members: m-1..m-3 (m-old has matured).
    assert branch["meetings"][0] | {"meeting_id": ""} == {
        "meeting_id": "",
        "held_on": "2026-09-07",
        "kind": "periodic",
        "host_branch_id": "pl-x-1",
        "present_count": 2,
        "expected_count": 3,
        "attendance_rate": 0.667,
        "has_minutes": False,
    }
    year = (await planning.get("/units/pl-x/meetings?year=2026")).json()
    counts = {b["branch_id"]: b["meetings_per_month"]["2026-09"] for b in year["branches"]}
    assert counts["pl-x-1"] == 1 and counts["pl-x-2"] == 0


async def test_a_meeting_of_a_closed_branch_after_it_closed_is_refused(planning: Planning) -> None:
    before = await planning.history_length()
    answer = await hold(
        planning,
        CLOSED_BRANCH,
        meeting(planning, attendees=[]),
        headers=planning.token("union_secretary", "pl-x"),
    )
    assert answer.status_code == 422
    assert errors_of(answer) | {"message": ""} == {
        "error": "outside_unit_dates",
        "rule": "outside_unit_dates",
        "message": "",
        "field": "held_on",
        "value": "2026-10-05",
        "accepted": "a date from 2000-01-01 to 2026-01-05",
    }
    assert await planning.history_length() == before


async def test_a_closed_branch_takes_a_meeting_held_within_its_life(planning: Planning) -> None:
    headers = planning.token("union_secretary", "pl-x")
    answer = await hold(
        planning, CLOSED_BRANCH, meeting(planning, attendees=[], held_on="2025-12-08"), headers=headers
    )
    assert answer.status_code == 201, answer.text


async def test_a_meeting_before_its_branch_was_founded_is_refused(planning: Planning) -> None:
    before = await planning.history_length()
    answer = await hold(planning, "pl-x-1", meeting(planning, held_on="1999-12-31"))
    assert answer.status_code == 422
    error = errors_of(answer)
    assert (error["rule"], error["field"], error["value"]) == ("outside_unit_dates", "held_on", "1999-12-31")
    assert error["accepted"] == "a date from 2000-01-01"
    assert await planning.history_length() == before


async def test_attendance_naming_a_member_of_another_branch_is_refused(planning: Planning) -> None:
    # The union's secretary sees both branches: the answer says where the member belongs.
    body = meeting(planning, attendees=["m-1", "m-4"])
    answer = await planning.post("/branches/pl-x-1/meetings", body, role="union_secretary", unit="pl-x")
    assert answer.status_code == 422
    error = errors_of(answer)
    assert (error["rule"], error["field"], error["value"]) == (
        "member_of_another_branch",
        "attendees[1]",
        "m-4",
    )
    assert "pl-x-1" in error["accepted"]


async def test_a_branch_secretary_learns_nothing_of_members_outside_the_meeting(planning: Planning) -> None:
    # Another branch's member, another union's, and no member at all: the one answer.
    answers = [
        await hold(planning, "pl-x-1", meeting(planning, meeting_id="mt-x", attendees=["m-1", member]))
        for member in ("m-4", "m-9", "m-0")
    ]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert errors_of(answers[0])["rule"] == "unknown_member"
    assert errors_of(answers[0])["field"] == "attendees[1]"
    texts = [a.text.replace(member, "m-0") for a, member in zip(answers, ("m-4", "m-9", "m-0"), strict=True)]
    assert texts[0] == texts[1] == texts[2]


async def test_attendance_naming_an_unknown_or_matured_member_or_one_twice_is_refused(
    planning: Planning,
) -> None:
    unknown = await hold(planning, "pl-x-1", meeting(planning, attendees=["m-nobody"]))
    matured = await hold(planning, "pl-x-1", meeting(planning, attendees=[MATURED]))
    twice = await hold(planning, "pl-x-1", meeting(planning, attendees=["m-1", "m-1"]))
    assert [errors_of(a)["rule"] for a in (unknown, matured, twice)] == [
        "unknown_member",
        "member_not_active",
        "duplicate_attendee",
    ]


async def test_a_meeting_back_filled_after_a_transfer_names_the_members_the_branch_had_that_day(
    planning: Planning,
) -> None:
    membership = planning.membership
    # pl-x-3's two members move in June: one to pl-x-2 (the same union), one to vy-y-1 (another district).
    for member_id in ("m-t1", "m-t2"):
        await membership.admit(member_id, "pl-x-3")
    await membership.transfer("m-t1", "pl-x-3", "pl-x-2", date(2026, 6, 10))
    await membership.transfer("m-t2", "pl-x-3", "vy-y-1", date(2026, 6, 10))
    await caught_up(planning.app, "pl-x-3", "m-t1", "pl-x-2")
    await caught_up(planning.app, "pl-x-3", "m-t2", "vy-y-1")

    march = meeting(planning, held_on="2026-03-10", attendees=["m-t1", "m-t2"])
    answer = await hold(planning, "pl-x-3", march)
    assert answer.status_code == 201, answer.text
    listed = (await planning.get("/units/pl-x/meetings?month=2026-03")).json()
    branch = next(b for b in listed["branches"] if b["branch_id"] == "pl-x-3")
    assert [(m["present_count"], m["expected_count"]) for m in branch["meetings"]] == [(2, 2)]

    before = await planning.history_length()
    # In October m-t1 belongs to pl-x-2: the union's secretary is told so; m-t2 is now outside the
    # branch secretary's scope, and answers as unknown (ADR 0004).
    october = await planning.post("/branches/pl-x-3/meetings", meeting(planning, attendees=["m-t1"]))
    assert october.status_code == 422
    error = errors_of(october)
    assert (error["rule"], error["field"], error["value"]) == (
        "member_of_another_branch",
        "attendees[0]",
        "m-t1",
    )
    assert (
        "on 2026-10-05" in error["message"]
        and "'pl-x-3' from 2025-03-26 until 2026-06-10" in error["message"]
    )
    elsewhere = await hold(planning, "pl-x-3", meeting(planning, attendees=["m-t2"]))
    assert (elsewhere.status_code, errors_of(elsewhere)["rule"]) == (404, "unknown_member")
    # Before their admission, they were members of no branch.
    early = await hold(planning, "pl-x-3", meeting(planning, held_on="2025-03-01", attendees=["m-t1"]))
    assert early.status_code == 422
    assert (errors_of(early)["rule"], errors_of(early)["field"]) == ("member_not_active", "attendees[0]")
    assert await planning.history_length() == before


async def test_counts_that_do_not_fit_the_attendees_are_refused(planning: Planning) -> None:
    fewer = await hold(planning, "pl-x-1", meeting(planning, present_count=1))
    more = await hold(planning, "pl-x-1", meeting(planning, present_count=5, expected_count=4))
    assert errors_of(fewer)["rule"] == errors_of(more)["rule"] == "attendance_count"
    dated = await hold(planning, "pl-x-1", meeting(planning, held_on="2027-01-05"))
    assert errors_of(dated)["rule"] == "date_in_future"
    unit = await planning.post("/branches/pl-x/meetings", meeting(planning, attendees=[]))
    assert errors_of(unit)["rule"] == "wrong_level"


async def test_a_joint_meeting_counts_for_every_branch_and_admits_their_members(planning: Planning) -> None:
    body = meeting(
        planning, held_on="2026-08-15", kind="joint", joint_branch_ids=["pl-x-2"], attendees=["m-1", "m-4"]
    )
    answer = await hold(planning, "pl-x-1", body)
    assert answer.status_code == 201, answer.text
    listed = (await planning.get("/units/pl-x/meetings?month=2026-08")).json()
    counts = {b["branch_id"]: b["meetings_per_month"]["2026-08"] for b in listed["branches"]}
    assert counts == {"pl-x-1": 1, "pl-x-2": 1, "pl-x-3": 0, CLOSED_BRANCH: 0}
    hosts = {m["host_branch_id"] for b in listed["branches"] for m in b["meetings"]}
    assert hosts == {"pl-x-1"}


async def test_a_joint_meeting_needs_sibling_branches_and_only_joint_meetings_name_them(
    planning: Planning,
) -> None:
    alone = await hold(planning, "pl-x-1", meeting(planning, kind="joint"))
    periodic = await hold(planning, "pl-x-1", meeting(planning, joint_branch_ids=["pl-x-2"]))
    assert [errors_of(a)["rule"] for a in (alone, periodic)] == [
        "joint_without_branches",
        "branches_only_for_joint",
    ]
    # A branch of another union, named by a branch secretary: the answer for no branch at all.
    foreign, nowhere = [
        await hold(
            planning, "pl-x-1", meeting(planning, meeting_id="mt-j", kind="joint", joint_branch_ids=[b])
        )
        for b in ("vy-y-1", "zz-y-1")
    ]
    assert foreign.status_code == 404 and errors_of(foreign)["rule"] == "unknown_unit"
    assert foreign.text.replace("vy-y-1", "zz-y-1") == nowhere.text
    # The central admin sees it, and is told it is no sibling.
    body = meeting(planning, kind="joint", joint_branch_ids=["vy-y-1"])
    seen = await planning.post("/branches/pl-x-1/meetings", body, role="admin", unit="vn")
    assert errors_of(seen)["rule"] == "joint_branch_not_sibling"


async def test_a_meeting_id_is_recorded_once_and_a_retry_with_its_key_gets_the_first_answer(
    planning: Planning,
) -> None:
    body = meeting(planning)
    key = {"Idempotency-Key": f"key-{body['meeting_id']}"}
    first = await hold(planning, "pl-x-1", body, headers=key)
    before = await planning.history_length()
    again = await hold(planning, "pl-x-1", body, headers=key)
    assert (first.status_code, again.status_code) == (201, 201) and again.json() == first.json()
    assert await planning.history_length() == before
    without_key = await hold(planning, "pl-x-1", body)
    assert without_key.status_code == 409 and errors_of(without_key)["rule"] == "already_recorded"


async def test_a_briefing_of_secretaries_names_branches_below_and_their_members(planning: Planning) -> None:
    body = {
        "held_on": "2026-06-30",
        "attending_branch_ids": ["pl-x-1", "pl-x-2"],
        "attendee_member_ids": ["m-1", "m-4"],
    }
    answer = await planning.post(
        "/units/bg-pl/secretary-briefings", body, role="district_officer", unit="bg-pl"
    )
    assert answer.status_code == 201, answer.text
    foreign = await planning.post(
        "/units/pl-x/secretary-briefings",
        body | {"attending_branch_ids": ["pl-x-1", "vy-y-1"]},
        role="admin",
        unit="vn",
    )
    assert (
        errors_of(foreign)["rule"] == "unit_not_below"
        and errors_of(foreign)["field"] == "attending_branch_ids[1]"
    )
    # Another union's member: unknown to this union's secretary, placed for the central admin.
    strange = body | {"attendee_member_ids": ["m-9"]}
    stranger = await planning.post("/units/pl-x/secretary-briefings", strange)
    assert stranger.status_code == 404 and errors_of(stranger)["rule"] == "unknown_member"
    seen = await planning.post("/units/pl-x/secretary-briefings", strange, role="admin", unit="vn")
    assert errors_of(seen)["rule"] == "member_of_another_branch"


async def test_monthly_tasks_go_to_active_branches_below_the_union(planning: Planning) -> None:
    body = {
        "month": "2026-10",
        "assigned_on": "2026-10-01",
        "branch_ids": ["pl-x-1", "pl-x-2"],
        "tasks": ["Ra quân tình nguyện"],
    }
    answer = await planning.post("/units/pl-x/monthly-tasks", body)
    assert answer.status_code == 201, answer.text
    closed = await planning.post("/units/pl-x/monthly-tasks", body | {"branch_ids": [CLOSED_BRANCH]})
    assert errors_of(closed)["rule"] == "outside_unit_dates" and errors_of(closed)["field"] == "assigned_on"
    blank = await planning.post("/units/pl-x/monthly-tasks", body | {"tasks": ["  "]})
    assert blank.status_code == 422 and errors_of(blank)["field"] == "tasks.0", blank.text
    month = await planning.post("/units/pl-x/monthly-tasks", body | {"month": "2026-13"})
    assert month.status_code == 422 and errors_of(month)["field"] == "month"
