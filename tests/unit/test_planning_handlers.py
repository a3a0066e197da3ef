"""Planning's handlers driven with commands over in-memory ports: the events appended, and the refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.planning.app.plans import plan_stream
from services.planning.domain.branch_life import MemberInfo, RecordMeeting
from services.planning.domain.checks import AttachmentInfo
from services.planning.domain.plans import PlanStatus
from shared.clock import FixedClock
from shared.contracts.org import UnitLevel, UnitStatus
from shared.contracts.planning import EvidenceRef, MeetingKind, PlanKind, SubmittedTo, Target
from shared.errors import DomainError
from shared.store import ConcurrencyError
from tests.fakes import InMemoryEventStore, InMemoryUnitDirectory, org_unit, refusal
from tests.fakes.planning import InMemoryPlanningHandlers

TODAY = date(2026, 12, 7)
HELD = date(2026, 12, 5)
MINUTES = EvidenceRef(attachment_id="att-1", sha256="a" * 64)


def planning() -> InMemoryPlanningHandlers:
    """Planning's copy of the tree (vn > bg > bg-pl > pl-x > pl-x-1, pl-x-2; pl-y > pl-y-1) and roster."""
    directory = InMemoryUnitDirectory(
        [
            org_unit("vn", UnitLevel.CENTRAL),
            org_unit("vn.bg", UnitLevel.PROVINCE),
            org_unit("vn.bg.bg-pl", UnitLevel.DISTRICT),
            org_unit("vn.bg.bg-pl.pl-x", UnitLevel.GRASSROOTS, recognising_unit_id="bg-pl"),
            org_unit("vn.bg.bg-pl.pl-x.pl-x-1", UnitLevel.BRANCH),
            org_unit("vn.bg.bg-pl.pl-x.pl-x-2", UnitLevel.BRANCH),
            org_unit("vn.bg.bg-pl.pl-x.pl-x-3", UnitLevel.BRANCH, status=UnitStatus.CLOSED),
            org_unit("vn.bg.bg-pl.pl-y", UnitLevel.GRASSROOTS),
            org_unit("vn.bg.bg-pl.pl-y.pl-y-1", UnitLevel.BRANCH),
        ]
    )
    roster = [
        MemberInfo("m-1", "pl-x-1", True),
        MemberInfo("m-2", "pl-x-1", True),
        MemberInfo("m-3", "pl-x-1", True),
        MemberInfo("m-4", "pl-x-1", False),
        MemberInfo("m-5", "pl-x-2", True),
    ]
    return InMemoryPlanningHandlers(
        InMemoryEventStore("planning"),
        directory,
        clock=FixedClock(datetime(2026, 12, 7, 3, tzinfo=UTC)),
        roster=roster,
        attachments=[AttachmentInfo("att-1", "pl-x-1", "a" * 64)],
    )


def meeting(meeting_id: str = "mt-1", **change: object) -> RecordMeeting:
    fields: dict[str, object] = {
        "meeting_id": meeting_id,
        "branch_id": "pl-x-1",
        "held_on": HELD,
        "kind": MeetingKind.PERIODIC,
        "attendees": ("m-1", "m-2"),
        "agenda": "Sinh hoạt tháng 12",
        "minutes": MINUTES,
        **change,
    }
    return RecordMeeting(**fields)  # type: ignore[arg-type]


async def test_a_meeting_with_attendees_is_recorded_against_the_branchs_active_members() -> None:
    handlers = planning()
    [held] = await handlers.hold_meeting(meeting(), actor="secretary")
    assert (held.type, held.stream_id, held.unit_path) == (
        "BranchMeetingHeld",
        "meeting-mt-1",
        "vn.bg.bg-pl.pl-x.pl-x-1",
    )
    assert (held.payload.attendees, held.payload.present_count, held.payload.expected_count) == (  # type: ignore[attr-defined]
        ("m-1", "m-2"),
        2,
        3,
    )


async def test_a_meeting_id_already_recorded_is_refused() -> None:
    handlers = planning()
    await handlers.hold_meeting(meeting(), actor="secretary")
    with pytest.raises(DomainError) as refused:
        await handlers.hold_meeting(meeting(), actor="secretary")
    assert refusal(refused.value) == ("already_recorded", "meeting_id", "mt-1")
    assert refused.value.status_code == 409


async def test_an_attendee_of_another_branch_is_refused_by_position() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.hold_meeting(meeting(attendees=("m-1", "m-5")), actor="secretary")
    assert refusal(refused.value) == ("member_of_another_branch", "attendees[1]", "m-5")
    assert await handlers.store.stream_version("meeting-mt-1") == 0


async def test_an_attendee_no_longer_active_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.hold_meeting(meeting(attendees=("m-4",)), actor="secretary")
    assert refusal(refused.value) == ("member_not_active", "attendees[0]", "m-4")


async def test_an_attendee_unknown_to_planning_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.hold_meeting(meeting(attendees=("m-9",)), actor="secretary")
    assert refusal(refused.value) == ("unknown_member", "attendees[0]", "m-9")
    assert refused.value.status_code == 404


async def test_more_present_than_the_branch_has_members_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.hold_meeting(meeting(present_count=4), actor="secretary")
    assert refusal(refused.value) == ("attendance_count", "present_count", 4)


async def test_a_meeting_in_the_future_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.hold_meeting(meeting(held_on=date(2026, 12, 8)), actor="secretary")
    assert refusal(refused.value) == ("date_in_future", "held_on", "2026-12-08")


async def test_minutes_whose_hash_is_not_the_uploaded_files_are_refused() -> None:
    handlers = planning()
    forged = EvidenceRef(attachment_id="att-1", sha256="b" * 64)
    with pytest.raises(DomainError) as refused:
        await handlers.hold_meeting(meeting(minutes=forged), actor="secretary")
    assert refused.value.rule == "evidence_hash_mismatch"


async def test_a_meeting_of_a_closed_branch_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.hold_meeting(meeting(branch_id="pl-x-3", attendees=()), actor="secretary")
    assert refusal(refused.value) == ("unit_closed", "branch_id", "pl-x-3")


async def test_a_joint_meeting_with_a_branch_of_another_union_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.hold_meeting(
            meeting(kind=MeetingKind.JOINT, joint_branch_ids=("pl-y-1",)), actor="secretary"
        )
    assert refusal(refused.value) == ("joint_branch_not_sibling", "joint_branch_ids[0]", "pl-y-1")


async def draft(handlers: InMemoryPlanningHandlers) -> str:
    target = Target(criterion=1, description="Kết nạp 20 đoàn viên", quantity=20)
    [drafted] = await handlers.draft_plan(
        "pl-x", 2026, PlanKind.ANNUAL_PLAN, "Kế hoạch công tác năm 2026", [target], actor="secretary"
    )
    return drafted.payload.plan_id  # type: ignore[attr-defined,no-any-return]


async def test_a_plan_drafted_submitted_and_approved_by_the_district() -> None:
    handlers = planning()
    plan_id = await draft(handlers)
    await handlers.submit_plan(
        await handlers.plan(plan_id), SubmittedTo.UPPER_LEVEL, date(2026, 12, 1), actor="s"
    )
    [approved] = await handlers.decide_plan(
        await handlers.plan(plan_id), "bg-pl", date(2026, 12, 3), None, actor="district"
    )
    assert approved.type == "PlanApproved" and approved.stream_id == plan_stream(plan_id)
    plan = await handlers.plan(plan_id)
    assert (plan.status, plan.version) == (PlanStatus.APPROVED, 3)


async def test_a_plan_returned_with_reasons_can_be_revised_and_submitted_again() -> None:
    handlers = planning()
    plan_id = await draft(handlers)
    await handlers.submit_plan(
        await handlers.plan(plan_id), SubmittedTo.UPPER_LEVEL, date(2026, 12, 1), actor="s"
    )
    await handlers.decide_plan(
        await handlers.plan(plan_id), "bg-pl", date(2026, 12, 2), ["Thiếu chỉ tiêu tiêu chí 2"], actor="d"
    )
    assert (await handlers.plan(plan_id)).status is PlanStatus.RETURNED
    await draft(handlers)
    [again] = await handlers.submit_plan(
        await handlers.plan(plan_id), SubmittedTo.UPPER_LEVEL, date(2026, 12, 4), actor="s"
    )
    assert again.type == "PlanSubmitted" and again.stream_version == 5


async def test_a_plan_approved_by_its_own_union_is_refused() -> None:
    handlers = planning()
    plan_id = await draft(handlers)
    await handlers.submit_plan(
        await handlers.plan(plan_id), SubmittedTo.UPPER_LEVEL, date(2026, 12, 1), actor="s"
    )
    with pytest.raises(DomainError) as refused:
        await handlers.decide_plan(await handlers.plan(plan_id), "pl-x", date(2026, 12, 3), None, actor="s")
    assert refusal(refused.value) == ("not_upper_level", "unit", "pl-x")
    assert refused.value.status_code == 403


async def test_a_plan_not_submitted_cannot_be_approved() -> None:
    handlers = planning()
    plan_id = await draft(handlers)
    with pytest.raises(DomainError) as refused:
        await handlers.decide_plan(await handlers.plan(plan_id), "bg-pl", date(2026, 12, 3), None, actor="d")
    assert refusal(refused.value) == ("plan_not_submitted", "plan_id", plan_id)


async def test_an_approved_plan_can_no_longer_be_redrafted() -> None:
    handlers = planning()
    plan_id = await draft(handlers)
    await handlers.submit_plan(
        await handlers.plan(plan_id), SubmittedTo.UPPER_LEVEL, date(2026, 12, 1), actor="s"
    )
    await handlers.decide_plan(await handlers.plan(plan_id), "bg-pl", date(2026, 12, 3), None, actor="d")
    with pytest.raises(DomainError) as refused:
        await draft(handlers)
    assert refusal(refused.value) == ("plan_not_editable", "plan_id", plan_id)


async def test_two_decisions_on_the_same_reading_of_a_plan_let_only_the_first_in() -> None:
    handlers = planning()
    plan_id = await draft(handlers)
    await handlers.submit_plan(
        await handlers.plan(plan_id), SubmittedTo.UPPER_LEVEL, date(2026, 12, 1), actor="s"
    )
    read_once = await handlers.plan(plan_id)
    await handlers.decide_plan(read_once, "bg-pl", date(2026, 12, 3), None, actor="district")
    with pytest.raises(ConcurrencyError) as lost:
        await handlers.decide_plan(read_once, "bg", date(2026, 12, 3), ["Chưa đạt"], actor="province")
    assert (lost.value.expected, lost.value.actual) == (2, 3)


async def test_a_union_registers_the_model_once_a_year_with_its_recognising_unit() -> None:
    handlers = planning()
    [registered] = await handlers.register_model("pl-x", 2026, date(2026, 2, 1), None, actor="secretary")
    assert registered.payload.recognising_unit_id == "bg-pl"  # type: ignore[attr-defined]
    with pytest.raises(DomainError) as refused:
        await handlers.register_model("pl-x", 2026, date(2026, 2, 2), None, actor="secretary")
    assert refusal(refused.value) == ("model_already_registered", "year", 2026)


async def test_a_branch_cannot_register_the_model() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.register_model("pl-x-1", 2026, date(2026, 2, 1), None, actor="secretary")
    assert refusal(refused.value) == ("wrong_level", "unit_id", "pl-x-1")
