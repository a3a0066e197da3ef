"""Planning's handlers driven through its command table over in-memory ports: the events, the refusals."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from services.planning.domain import commands as cmds
from services.planning.domain.branch_life import MemberInfo
from services.planning.domain.checks import AttachmentInfo
from services.planning.domain.plans import PlanStatus
from services.planning.domain.streams import (
    meeting_stream,
    mobilisation_stream,
    plan_stream,
    record_stream,
)
from shared.clock import FixedClock
from shared.commands import Context
from shared.contracts.member_stays import Stay
from shared.contracts.org import UnitLevel, UnitStatus
from shared.contracts.planning import (
    ActivityScheduled,
    EvidenceRef,
    MeetingKind,
    PlanKind,
    SubmittedTo,
    Target,
)
from shared.errors import DomainError
from shared.events import Envelope
from shared.store import ConcurrencyError
from tests.fakes import InMemoryEventStore, InMemoryUnitDirectory, org_unit, refusal
from tests.fakes.planning import InMemoryPlanningHandlers

TODAY = date(2026, 12, 7)
HELD = date(2026, 12, 5)
MINUTES = EvidenceRef(attachment_id="att-1", sha256="a" * 64)


class YieldingStore(InMemoryEventStore):
    """A store whose reads give way to other tasks once they have read, as a database's reads do."""

    async def read_stream(self, stream_id: str) -> list[Envelope]:
        events = await super().read_stream(stream_id)
        await asyncio.sleep(0)
        return events


def planning(store: InMemoryEventStore | None = None) -> InMemoryPlanningHandlers:
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
        MemberInfo("m-1", (Stay("pl-x-1", date(2025, 3, 26)),)),
        MemberInfo("m-2", (Stay("pl-x-1", date(2025, 3, 26)),)),
        MemberInfo("m-3", (Stay("pl-x-1", date(2025, 3, 26)),)),
        MemberInfo("m-4", (Stay("pl-x-1", date(2025, 3, 26), date(2026, 6, 1)),)),  # aged out in June
        MemberInfo("m-5", (Stay("pl-x-2", date(2025, 3, 26)),)),
        # In pl-x-1 until released on 1 September, taken into pl-x-2 on 10 September.
        MemberInfo(
            "m-6", (Stay("pl-x-1", date(2025, 3, 26), date(2026, 9, 1)), Stay("pl-x-2", date(2026, 9, 10)))
        ),
    ]
    return InMemoryPlanningHandlers(
        store or InMemoryEventStore("planning"),
        directory,
        clock=FixedClock(datetime(2026, 12, 7, 3, tzinfo=UTC)),
        roster=roster,
        attachments=[AttachmentInfo("att-1", "pl-x-1", "a" * 64)],
    )


def meeting(meeting_id: str = "mt-1", **change: object) -> cmds.HoldMeeting:
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
    return cmds.HoldMeeting(**fields)  # type: ignore[arg-type]


async def test_a_meeting_with_attendees_is_recorded_against_the_branchs_active_members() -> None:
    handlers = planning()
    [held] = await handlers.handle(meeting(), "secretary")
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
    await handlers.handle(meeting(), "secretary")
    with pytest.raises(DomainError) as refused:
        await handlers.handle(meeting(), "secretary")
    assert refusal(refused.value) == ("already_recorded", "meeting_id", "mt-1")
    assert refused.value.status_code == 409


async def test_an_attendee_of_another_branch_is_refused_by_position() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.handle(meeting(attendees=("m-1", "m-5")), "secretary")
    assert refusal(refused.value) == ("member_of_another_branch", "attendees[1]", "m-5")
    assert await handlers.store.stream_version("meeting-mt-1") == 0


async def test_an_attendee_no_longer_active_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.handle(meeting(attendees=("m-4",)), "secretary")
    assert refusal(refused.value) == ("member_not_active", "attendees[0]", "m-4")


async def test_a_meeting_back_filled_names_the_members_the_branch_had_that_day() -> None:
    handlers = planning()
    # On 15 August m-6 was still in pl-x-1 and m-4 had aged out: four members were expected.
    august = meeting("mt-aug", held_on=date(2026, 8, 15), attendees=("m-1", "m-6"))
    [held] = await handlers.handle(august, "secretary")
    assert (held.payload.attendees, held.payload.expected_count) == (("m-1", "m-6"), 4)  # type: ignore[attr-defined]
    [may] = await handlers.handle(
        meeting("mt-may", held_on=date(2026, 5, 4), attendees=("m-4",)), "secretary"
    )
    assert may.payload.expected_count == 5  # type: ignore[attr-defined]
    # Now m-6 belongs to pl-x-2: in December's meeting of pl-x-1 they are refused.
    with pytest.raises(DomainError) as refused:
        await handlers.handle(meeting(attendees=("m-1", "m-6")), "secretary")
    assert refusal(refused.value) == ("member_of_another_branch", "attendees[1]", "m-6")
    assert "on 2026-12-05" in refused.value.message and "on 2026-12-05" in (refused.value.accepted or "")


async def test_an_attendee_not_in_the_branch_on_the_meetings_day_is_refused_and_nothing_written() -> None:
    handlers = planning()
    cases = [
        (
            date(2026, 9, 5),
            ("m-2", "m-6"),
        ),  # between two branches: released on 1 September, taken in on the 10th
        (date(2025, 3, 1), ("m-1",)),  # before anyone was admitted
        (date(2026, 6, 1), ("m-2", "m-4")),  # aged out that day
    ]
    for held_on, attendees in cases:
        with pytest.raises(DomainError) as refused:
            await handlers.handle(meeting("mt-x", held_on=held_on, attendees=attendees), "secretary")
        assert refused.value.status_code == 422
        position = len(attendees) - 1
        assert refusal(refused.value) == ("member_not_active", f"attendees[{position}]", attendees[-1])
        assert f"on {held_on.isoformat()}" in refused.value.message
        assert "their time in 'pl-x-1': 'pl-x-1' from 2025-03-26" in refused.value.message
    assert await handlers.store.stream_version("meeting-mt-x") == 0


async def test_an_attendee_unknown_to_planning_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.handle(meeting(attendees=("m-9",)), "secretary")
    assert refusal(refused.value) == ("unknown_member", "attendees[0]", "m-9")
    assert refused.value.status_code == 404


async def test_more_present_than_the_branch_has_members_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.handle(meeting(present_count=4), "secretary")
    assert refusal(refused.value) == ("attendance_count", "present_count", 4)


async def test_a_meeting_in_the_future_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.handle(meeting(held_on=date(2026, 12, 8)), "secretary")
    assert refusal(refused.value) == ("date_in_future", "held_on", "2026-12-08")


async def test_minutes_whose_hash_is_not_the_uploaded_files_are_refused() -> None:
    handlers = planning()
    forged = EvidenceRef(attachment_id="att-1", sha256="b" * 64)
    with pytest.raises(DomainError) as refused:
        await handlers.handle(meeting(minutes=forged), "secretary")
    assert refused.value.rule == "evidence_hash_mismatch"


async def test_a_meeting_of_a_closed_branch_after_its_closing_day_is_refused_naming_its_dates() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.handle(meeting(branch_id="pl-x-3", attendees=()), "secretary")
    assert refusal(refused.value) == ("outside_unit_dates", "held_on", "2026-12-05")
    assert refused.value.status_code == 422
    assert refused.value.accepted == "a date from 2020-01-01 to 2026-06-30"
    assert await handlers.store.stream_version(meeting_stream("mt-1")) == 0


async def test_a_closed_branch_takes_a_meeting_held_within_its_life() -> None:
    handlers = planning()
    held = await handlers.handle(
        meeting(branch_id="pl-x-3", attendees=(), held_on=date(2026, 6, 30), minutes=None), "secretary"
    )
    assert [e.type for e in held] == ["BranchMeetingHeld"]


async def test_a_meeting_before_its_branch_was_founded_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.handle(meeting(held_on=date(2019, 12, 31)), "secretary")
    assert refusal(refused.value) == ("outside_unit_dates", "held_on", "2019-12-31")
    assert refused.value.accepted == "a date from 2020-01-01"
    assert await handlers.store.stream_version(meeting_stream("mt-1")) == 0


async def test_a_joint_meeting_with_a_branch_of_another_union_is_refused() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.handle(
            meeting(kind=MeetingKind.JOINT, joint_branch_ids=("pl-y-1",)), actor="secretary"
        )
    assert refusal(refused.value) == ("joint_branch_not_sibling", "joint_branch_ids[0]", "pl-y-1")


async def draft(handlers: InMemoryPlanningHandlers) -> str:
    target = Target(criterion=1, description="Kết nạp 20 đoàn viên", quantity=20)
    command = cmds.DraftPlan(
        unit_id="pl-x",
        year=2026,
        kind=PlanKind.ANNUAL_PLAN,
        title="Kế hoạch công tác năm 2026",
        targets=(target,),
    )
    [drafted] = await handlers.handle(command, "secretary")
    return drafted.payload.plan_id  # type: ignore[attr-defined,no-any-return]


async def submit(handlers: InMemoryPlanningHandlers, plan_id: str, on: date) -> list[Envelope]:
    command = cmds.SubmitPlan(plan_id=plan_id, submitted_to=SubmittedTo.UPPER_LEVEL, submitted_on=on)
    return await handlers.handle(command, "secretary")


async def approve(handlers: InMemoryPlanningHandlers, plan_id: str, by: str, on: date) -> list[Envelope]:
    return await handlers.handle(cmds.ApprovePlan(plan_id=plan_id, approved_on=on), by, acting_unit_id=by)


async def give_back(
    handlers: InMemoryPlanningHandlers, plan_id: str, by: str, on: date, reason: str
) -> list[Envelope]:
    command = cmds.ReturnPlan(plan_id=plan_id, returned_on=on, reasons=(reason,))
    return await handlers.handle(command, by, acting_unit_id=by)


def registration(unit_id: str, registered_on: date) -> cmds.RegisterModel:
    return cmds.RegisterModel(unit_id=unit_id, year=2026, registered_on=registered_on)


async def test_a_plan_drafted_submitted_and_approved_by_the_district() -> None:
    handlers = planning()
    plan_id = await draft(handlers)
    await submit(handlers, plan_id, date(2026, 12, 1))
    [approved] = await approve(handlers, plan_id, "bg-pl", date(2026, 12, 3))
    assert approved.type == "PlanApproved" and approved.stream_id == plan_stream(plan_id)
    plan = await handlers.plan(plan_id)
    assert (plan.status, plan.version) == (PlanStatus.APPROVED, 3)


async def test_a_plan_returned_with_reasons_can_be_revised_and_submitted_again() -> None:
    handlers = planning()
    plan_id = await draft(handlers)
    await submit(handlers, plan_id, date(2026, 12, 1))
    await give_back(handlers, plan_id, "bg-pl", date(2026, 12, 2), "Thiếu chỉ tiêu tiêu chí 2")
    assert (await handlers.plan(plan_id)).status is PlanStatus.RETURNED
    await draft(handlers)
    [again] = await submit(handlers, plan_id, date(2026, 12, 4))
    assert again.type == "PlanSubmitted" and again.stream_version == 5


async def test_a_plan_approved_by_its_own_union_is_refused() -> None:
    handlers = planning()
    plan_id = await draft(handlers)
    await submit(handlers, plan_id, date(2026, 12, 1))
    with pytest.raises(DomainError) as refused:
        await approve(handlers, plan_id, "pl-x", date(2026, 12, 3))
    assert refusal(refused.value) == ("not_upper_level", "unit", "pl-x")
    assert refused.value.status_code == 403


async def test_a_plan_not_submitted_cannot_be_approved() -> None:
    handlers = planning()
    plan_id = await draft(handlers)
    with pytest.raises(DomainError) as refused:
        await approve(handlers, plan_id, "bg-pl", date(2026, 12, 3))
    assert refusal(refused.value) == ("plan_not_submitted", "plan_id", plan_id)


async def test_an_approved_plan_can_no_longer_be_redrafted() -> None:
    handlers = planning()
    plan_id = await draft(handlers)
    await submit(handlers, plan_id, date(2026, 12, 1))
    await approve(handlers, plan_id, "bg-pl", date(2026, 12, 3))
    with pytest.raises(DomainError) as refused:
        await draft(handlers)
    assert refusal(refused.value) == ("plan_not_editable", "plan_id", plan_id)


async def test_two_decisions_on_the_same_reading_of_a_plan_let_only_the_first_in() -> None:
    handlers = planning(YieldingStore("planning"))
    plan_id = await draft(handlers)
    await submit(handlers, plan_id, date(2026, 12, 1))
    # Both read the submitted plan before either appends.
    approved, lost = await asyncio.gather(
        approve(handlers, plan_id, "bg-pl", date(2026, 12, 3)),
        give_back(handlers, plan_id, "bg", date(2026, 12, 3), "Chưa đạt"),
        return_exceptions=True,
    )
    assert isinstance(lost, ConcurrencyError)
    assert (lost.expected, lost.actual) == (2, 3)
    assert isinstance(approved, list) and [e.type for e in approved] == ["PlanApproved"]


async def test_a_union_registers_the_model_once_a_year_with_its_recognising_unit() -> None:
    handlers = planning()
    [registered] = await handlers.handle(registration("pl-x", date(2026, 2, 1)), "secretary")
    assert registered.payload.recognising_unit_id == "bg-pl"  # type: ignore[attr-defined]
    with pytest.raises(DomainError) as refused:
        await handlers.handle(registration("pl-x", date(2026, 2, 2)), "secretary")
    assert refusal(refused.value) == ("model_already_registered", "year", 2026)


async def test_a_branch_cannot_register_the_model() -> None:
    handlers = planning()
    with pytest.raises(DomainError) as refused:
        await handlers.handle(registration("pl-x-1", date(2026, 2, 1)), "secretary")
    assert refusal(refused.value) == ("wrong_level", "unit_id", "pl-x-1")


async def test_an_activity_asked_without_an_id_gets_one_from_its_handler_named_in_the_answer() -> None:
    handlers = planning()
    command = cmds.ScheduleActivity(
        unit_id="pl-x", title="Ngày Chủ nhật xanh", scheduled_on=date(2026, 12, 20)
    )
    context = Context(actor="secretary")
    [scheduled] = await handlers.commands.handle(command, context)
    assert isinstance(scheduled.payload, ActivityScheduled)
    assert context.named == {"activity_id": scheduled.payload.activity_id}
    assert scheduled.stream_id == record_stream("activity", scheduled.payload.activity_id)


async def test_an_activity_is_held_once_and_then_cannot_be_cancelled() -> None:
    handlers = planning()
    command = cmds.ScheduleActivity(
        unit_id="pl-x-1", activity_id="act-1", title="Hiến máu", scheduled_on=HELD
    )
    await handlers.handle(command, "secretary")
    held = cmds.HoldActivity(activity_id="act-1", held_on=HELD, participants=12, evidence=MINUTES)
    [event] = await handlers.handle(held, "secretary")
    assert (event.type, event.stream_version) == ("ActivityHeld", 2)
    with pytest.raises(DomainError) as refused:
        await handlers.handle(cmds.CancelActivity(activity_id="act-1", cancelled_on=HELD, reason="Mưa"), "s")
    assert refusal(refused.value) == ("activity_already_held", "activity_id", "act-1")
    assert refused.value.status_code == 409


async def test_a_report_is_recorded_once_per_quarter() -> None:
    handlers = planning()
    report = cmds.SubmitReport(unit_id="pl-x", period="2026-Q3", submitted_on=date(2026, 10, 5))
    [submitted] = await handlers.handle(report, "secretary")
    assert submitted.stream_id == "report-pl-x-2026-Q3"
    with pytest.raises(DomainError) as refused:
        await handlers.handle(report, "secretary")
    assert refusal(refused.value) == ("already_recorded", "period", "2026-Q3")


async def test_resources_of_a_closed_branch_mobilised_after_it_closed_are_refused() -> None:
    handlers = planning()
    money = cmds.MobiliseResources(unit_id="pl-x-3", mobilised_on=HELD, source="Công ty A", amount_vnd=1)
    context = Context(actor="secretary")
    with pytest.raises(DomainError) as refused:
        await handlers.commands.handle(money, context)
    assert refusal(refused.value) == ("outside_unit_dates", "mobilised_on", "2026-12-05")
    assert refused.value.status_code == 422
    assert await handlers.store.stream_version(mobilisation_stream(context.named["mobilisation_id"])) == 0
