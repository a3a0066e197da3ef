"""Every dated record of planning falls within its unit's life: before the unit was founded or after it
closed it is refused (422 ``outside_unit_dates``, naming the field, its value and the unit's dates) with
nothing written, while a closed unit still takes the records of its life."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.planning.conftest import CLOSED_BRANCH, Planning, errors_of

# The tree's units were founded on 2000-01-01; the closed branch closed on 2026-01-05.
LIFE = "from 2000-01-01 to 2026-01-05"
BEFORE, WITHIN, AFTER = "1999-12-31", "2025-12-10", "2026-03-02"

Body = Callable[[str], dict[str, Any]]

RECORDS: list[tuple[str, str, Body]] = [
    ("activities", "scheduled_on", lambda d: {"title": "Ra quân", "scheduled_on": d}),
    (
        "youth-projects",
        "registered_on",
        lambda d: {"title": "Đường hoa", "kind": "project", "registered_on": d, "year": 2025},
    ),
    ("periodic-reports", "submitted_on", lambda d: {"period": "2025-Q4", "submitted_on": d}),
    ("reviews", "held_on", lambda d: {"year": 2025, "kind": "year_end", "held_on": d}),
    ("inspections", "held_on", lambda d: {"kind": "inspection", "held_on": d}),
    ("good-models", "recognised_on", lambda d: {"title": "Thanh niên tự quản", "recognised_on": d}),
    (
        "advisory-proposals",
        "submitted_on",
        lambda d: {"submitted_to": "government", "subject": "Sân chơi", "submitted_on": d},
    ),
    ("party-briefings", "briefed_on", lambda d: {"briefed_on": d, "topic": "Công tác thanh niên"}),
    ("coordination-agreements", "signed_on", lambda d: {"partner": "Công an xã", "signed_on": d}),
    ("dialogues", "held_on", lambda d: {"held_on": d, "leaders": ["Chủ tịch xã"], "participants": 30}),
    ("resources", "mobilised_on", lambda d: {"mobilised_on": d, "source": "Công ty A", "amount_vnd": 5000}),
]


async def refused_outside(planning: Planning, url: str, body: dict[str, Any], field: str, life: str) -> None:
    before = await planning.history_length()
    answer = await planning.post(url, body)
    assert answer.status_code == 422, answer.text
    error = errors_of(answer)
    assert error["error"] == "outside_unit_dates", answer.text
    assert (error["rule"], error["field"], error["value"]) == ("outside_unit_dates", field, body[field])
    assert error["accepted"].endswith(life), error
    assert await planning.history_length() == before


async def accepted(planning: Planning, url: str, body: dict[str, Any], **kw: Any) -> dict[str, Any]:
    answer = await planning.post(url, body, **kw)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


@pytest.mark.parametrize(("route", "field", "body"), RECORDS, ids=[r[0] for r in RECORDS])
async def test_a_record_is_taken_within_its_units_life_only(
    planning: Planning, route: str, field: str, body: Body
) -> None:
    url = f"/units/{CLOSED_BRANCH}/{route}"
    await refused_outside(planning, url, body(BEFORE), field, LIFE)
    await refused_outside(planning, url, body(AFTER), field, LIFE)
    await accepted(planning, url, body(WITHIN))


async def test_what_closes_a_record_is_dated_within_its_units_life(planning: Planning) -> None:
    unit = f"/units/{CLOSED_BRANCH}"
    activity = (
        await accepted(planning, f"{unit}/activities", {"title": "Hiến máu", "scheduled_on": WITHIN})
    )["activity_id"]
    held = {"held_on": AFTER, "participants": 20}
    await refused_outside(planning, f"/activities/{activity}/held", held, "held_on", LIFE)
    await accepted(planning, f"/activities/{activity}/held", held | {"held_on": WITHIN})
    cancelled = (
        await accepted(planning, f"{unit}/activities", {"title": "Cắm trại", "scheduled_on": WITHIN})
    )["activity_id"]
    cancel = {"cancelled_on": AFTER, "reason": "mưa"}
    await refused_outside(planning, f"/activities/{cancelled}/cancellation", cancel, "cancelled_on", LIFE)
    project_body = {"title": "Cầu", "kind": "task", "registered_on": WITHIN, "year": 2025}
    project = (await accepted(planning, f"{unit}/youth-projects", project_body))["project_id"]
    done = {"completed_on": AFTER}
    await refused_outside(planning, f"/youth-projects/{project}/completion", done, "completed_on", LIFE)
    await accepted(planning, f"/youth-projects/{project}/completion", {"completed_on": "2026-01-05"})
    proposal_body = {"submitted_to": "party_committee", "subject": "Nhà văn hóa", "submitted_on": WITHIN}
    proposal = (await accepted(planning, f"{unit}/advisory-proposals", proposal_body))["proposal_id"]
    outcome = {"outcome": "adopted", "recorded_on": AFTER}
    await refused_outside(planning, f"/advisory-proposals/{proposal}/outcome", outcome, "recorded_on", LIFE)
    agreement_body = {"partner": "Hội Nông dân", "signed_on": WITHIN}
    agreement = (await accepted(planning, f"{unit}/coordination-agreements", agreement_body))["agreement_id"]
    joint = {"held_on": AFTER, "title": "Dọn vệ sinh"}
    await refused_outside(
        planning, f"/coordination-agreements/{agreement}/joint-activities", joint, "held_on", LIFE
    )
    await accepted(
        planning, f"/coordination-agreements/{agreement}/joint-activities", joint | {"held_on": WITHIN}
    )
    end = {"ended_on": AFTER}
    await refused_outside(planning, f"/coordination-agreements/{agreement}/end", end, "ended_on", LIFE)


async def test_a_plan_and_its_steps_fall_within_the_units_life(planning: Planning) -> None:
    plans = f"/units/{CLOSED_BRANCH}/plans"
    before = await planning.history_length()
    late = await planning.client.put(
        f"{plans}/2027/annual_plan",
        json={"title": "Kế hoạch 2027"},
        headers=planning.token("union_secretary", "pl-x"),
    )
    assert late.status_code == 422, late.text
    assert (errors_of(late)["rule"], errors_of(late)["field"], errors_of(late)["value"]) == (
        "outside_unit_dates",
        "year",
        2027,
    )
    assert errors_of(late)["accepted"] == f"a year {LIFE}"
    assert await planning.history_length() == before
    drafted = await planning.client.put(
        f"{plans}/2025/annual_plan",
        json={"title": "Kế hoạch 2025"},
        headers=planning.token("union_secretary", "pl-x"),
    )
    assert drafted.status_code == 201, drafted.text
    plan = f"/plans/{CLOSED_BRANCH}.2025.annual_plan"
    submitted = {"submitted_to": "upper_level", "submitted_on": AFTER}
    await refused_outside(planning, f"{plan}/submissions", submitted, "submitted_on", LIFE)
    await accepted(planning, f"{plan}/submissions", submitted | {"submitted_on": "2025-01-10"})
    officer = {"role": "district_officer", "unit": "bg-pl"}
    before = await planning.history_length()
    refused = await planning.post(f"{plan}/approval", {"approved_on": AFTER}, **officer)
    assert refused.status_code == 422 and errors_of(refused)["field"] == "approved_on", refused.text
    assert await planning.history_length() == before
    await accepted(planning, f"{plan}/approval", {"approved_on": "2025-01-20"}, **officer)


async def test_a_file_cannot_be_attached_to_a_closed_unit(planning: Planning) -> None:
    """Attaching a file is not dated: a closed unit refuses it (409 ``unit_closed``)."""
    headers = {**planning.token("union_secretary", "pl-x"), "Content-Type": "application/pdf"}
    answer = await planning.client.post(
        f"/units/{CLOSED_BRANCH}/evidence",
        params={"file_name": "bien-ban.pdf"},
        content=b"%PDF",
        headers=headers,
    )
    assert answer.status_code == 409 and errors_of(answer)["rule"] == "unit_closed", answer.text


async def test_briefings_tasks_and_the_model_name_units_that_existed_that_day(planning: Planning) -> None:
    briefing = {"held_on": AFTER, "attending_branch_ids": ["pl-x-1", CLOSED_BRANCH]}
    await refused_outside(planning, "/units/pl-x/secretary-briefings", briefing, "held_on", LIFE)
    await accepted(planning, "/units/pl-x/secretary-briefings", briefing | {"held_on": WITHIN})
    tasks = {"month": "2025-12", "assigned_on": AFTER, "branch_ids": [CLOSED_BRANCH], "tasks": ["Trực Tết"]}
    await refused_outside(planning, "/units/pl-x/monthly-tasks", tasks, "assigned_on", LIFE)
    await accepted(planning, "/units/pl-x/monthly-tasks", tasks | {"assigned_on": WITHIN})
    union = "from 2000-01-01"
    model = {"year": 2000, "registered_on": BEFORE}
    await refused_outside(planning, "/units/pl-x/model-registrations", model, "registered_on", union)
