"""Membership's commands driven through its table over in-memory ports: the events appended, and the refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from services.membership.app.base import Membership
from services.membership.app.commands import command_table
from services.membership.app.members import MemberHandlers
from services.membership.app.units import UnitHandlers
from services.membership.domain import commands as cmds
from services.membership.domain import lifecycle
from services.membership.domain.member import MemberStatus
from services.membership.domain.profile import Profile
from services.membership.domain.streams import member_stream
from shared.clock import FixedClock
from shared.commands import Command, CommandTable, Context
from shared.contracts import membership as ev
from shared.contracts.org import UnitLevel, UnitType
from shared.errors import DomainError
from shared.events import Envelope
from shared.store import ConcurrencyError, IdempotencyConflictError, IdempotentResult
from shared.store.event_store import Idempotency
from tests.fakes import InMemoryEventStore, InMemoryKeyRing, InMemoryUnitDirectory, refusal
from tests.support import FOUNDED

TODAY = date(2026, 12, 7)
CLOCK = FixedClock(datetime(2026, 12, 7, 3, tzinfo=UTC))  # 10:00 on TODAY in Vietnam
ON = date(2026, 11, 2)


@dataclass
class Service:
    """Membership's table over in-memory ports, and the ports themselves to look at what it kept."""

    table: CommandTable
    membership: Membership

    async def handle(self, command: Command, actor: str = "secretary") -> list[Envelope]:
        return list(await self.table.handle(command, Context(actor=actor)))

    @property
    def keys(self) -> InMemoryKeyRing:
        keys = self.membership.keys
        assert isinstance(keys, InMemoryKeyRing)
        return keys


def unit(unit_id: str, level: UnitLevel, parent_id: str) -> cmds.RegisterUnit:
    return cmds.RegisterUnit(
        unit_id=unit_id,
        name=f"Đoàn {unit_id}",
        level=level,
        unit_type=UnitType.COMMUNE_WARD,
        parent_id=parent_id,
        established_on=FOUNDED,
    )


async def membership() -> Service:
    """The service over a tree vn > bg > bg-pl > pl-x > branches pl-x-1 and pl-x-2 (and pl-y > pl-y-1)."""
    store = InMemoryEventStore("membership")
    directory = InMemoryUnitDirectory()
    store.on_append(directory.apply)  # the org tree is kept inline, as membership keeps it
    ports = Membership(store, directory, CLOCK, keys=InMemoryKeyRing())
    await UnitHandlers(ports).ensure_root()
    service = Service(command_table(ports), ports)
    for command in (
        unit("bg", UnitLevel.PROVINCE, "vn"),
        unit("bg-pl", UnitLevel.DISTRICT, "bg"),
        unit("pl-x", UnitLevel.GRASSROOTS, "bg-pl"),
        unit("pl-x-1", UnitLevel.BRANCH, "pl-x"),
        unit("pl-x-2", UnitLevel.BRANCH, "pl-x"),
        unit("pl-y", UnitLevel.GRASSROOTS, "bg-pl"),
        unit("pl-y-1", UnitLevel.BRANCH, "pl-y"),
    ):
        await service.handle(command, actor="admin")
    return service


def admission(
    member_id: str | None,
    branch_id: str = "pl-x-1",
    *,
    born: date = date(2005, 3, 1),
    referred_by: str | None = None,
    joined_on: date = date(2026, 3, 26),
) -> cmds.AdmitMember:
    return cmds.AdmitMember(
        member_id=member_id,
        branch_id=branch_id,
        joined_on=joined_on,
        admission_decision_ref=f"QĐ {member_id}",
        profile=Profile(full_name=f"Nguyễn Văn {member_id}", birth_date=born),
        referred_by=referred_by,
    )


def transfer(to_branch_id: str) -> cmds.RequestTransfer:
    return cmds.RequestTransfer(
        member_id="m-1", to_branch_id=to_branch_id, requested_on=ON, transfer_id="t-1"
    )


async def test_registered_units_form_the_tree_under_the_central_unit() -> None:
    service = await membership()
    directory = service.membership.directory
    branch = await directory.get("pl-x-1")
    assert branch is not None and branch.path == "vn.bg.bg-pl.pl-x.pl-x-1"
    assert await MemberHandlers(service.membership).union_of("pl-x-1") == "pl-x"
    assert [u.unit_id for u in await directory.below("pl-x", include_self=False)] == ["pl-x-1", "pl-x-2"]


async def test_a_unit_id_already_registered_is_refused() -> None:
    service = await membership()
    with pytest.raises(DomainError) as refused:
        await service.handle(unit("pl-x", UnitLevel.GRASSROOTS, "bg-pl"), actor="admin")
    assert refusal(refused.value) == ("unit_exists", "unit_id", "pl-x")
    assert refused.value.status_code == 409


async def test_a_branch_directly_under_a_district_is_refused() -> None:
    service = await membership()
    with pytest.raises(DomainError) as refused:
        await service.handle(unit("pl-z-1", UnitLevel.BRANCH, "bg-pl"), actor="admin")
    assert refusal(refused.value) == ("level_under_parent", "level", "branch")


async def test_an_admission_appends_member_joined_with_the_profile_sealed() -> None:
    service = await membership()
    [joined] = await service.handle(admission("m-1"))
    assert isinstance(joined.payload, ev.MemberJoined)
    assert (joined.stream_id, joined.unit_path, joined.payload.birth_year) == (
        "member-m-1",
        "vn.bg.bg-pl.pl-x.pl-x-1",
        2005,
    )
    assert "Nguyễn" not in joined.body().decode()
    member = await service.membership.member("m-1")
    assert member.status is MemberStatus.ACTIVE and member.branch_id == "pl-x-1"
    assert await service.membership.birth_date(member) == date(2005, 3, 1)


async def test_an_admission_without_an_id_is_given_one_the_answer_names() -> None:
    service = await membership()
    context = Context(actor="secretary")
    [joined] = await service.table.handle(admission(None), context)
    given = context.named["member_id"]
    assert given.startswith("m") and joined.stream_id == member_stream(given)
    assert isinstance(joined.payload, ev.MemberJoined) and joined.payload.member_id == given


async def test_admitting_the_same_member_twice_is_refused() -> None:
    service = await membership()
    await service.handle(admission("m-1"))
    with pytest.raises(DomainError) as refused:
        await service.handle(admission("m-1"))
    assert refusal(refused.value) == ("member_exists", "member_id", "m-1")


async def test_an_admission_outside_the_ages_is_refused_and_stores_nothing() -> None:
    service = await membership()
    with pytest.raises(DomainError) as refused:
        await service.handle(admission("m-1", born=date(1990, 1, 1)))
    assert refusal(refused.value) == ("age_at_admission", "profile.birth_date", "1990-01-01")
    assert await service.membership.store.stream_version(member_stream("m-1")) == 0


async def test_an_admission_into_a_union_rather_than_a_branch_is_refused() -> None:
    service = await membership()
    with pytest.raises(DomainError) as refused:
        await service.handle(admission("m-1", "pl-x"))
    assert refusal(refused.value) == ("admission_into_branch", "branch_id", "pl-x")


async def test_a_referrer_of_another_union_is_refused() -> None:
    service = await membership()
    await service.handle(admission("m-1", "pl-y-1"))
    with pytest.raises(DomainError) as refused:
        await service.handle(admission("m-2", referred_by="m-1"))
    assert refusal(refused.value) == ("referrer_of_another_union", "referred_by", "m-1")


async def test_an_admission_under_a_key_keeps_its_answer_for_the_retry_and_refuses_another_request() -> None:
    service = await membership()

    def answer(envelopes: object) -> IdempotentResult:
        return IdempotentResult(201, {"admitted": "m-1"})

    def under(request_hash: str) -> Context:
        return Context(actor="s", idempotency=Idempotency("k", request_hash, answer))

    await service.table.handle(admission("m-1"), under("h"))
    # A retry is answered from here before the handler runs (shared.http.idempotency.run_command).
    assert await service.membership.store.find_idempotent("k", "h") == IdempotentResult(
        201, {"admitted": "m-1"}
    )
    with pytest.raises(IdempotencyConflictError):
        await service.table.handle(admission("m-2"), under("other"))
    assert await service.membership.store.stream_version(member_stream("m-2")) == 0


async def test_admission_then_transfer_moves_the_member_to_the_receiving_branch() -> None:
    service = await membership()
    await service.handle(admission("m-1"))
    requested = await service.handle(transfer("pl-x-2"))
    await service.handle(cmds.ReleaseTransfer(member_id="m-1", transfer_id="t-1", released_on=ON))
    [accepted] = await service.handle(cmds.AcceptTransfer(member_id="m-1", transfer_id="t-1", accepted_on=ON))
    assert requested[0].type == "MemberTransferRequested"
    assert accepted.type == "MemberTransferAccepted" and accepted.unit_path == "vn.bg.bg-pl.pl-x.pl-x-2"
    member = await service.membership.member("m-1")
    assert (member.branch_id, member.transfer, member.version) == ("pl-x-2", None, 4)


async def test_a_transfer_accepted_before_release_is_refused() -> None:
    service = await membership()
    await service.handle(admission("m-1"))
    await service.handle(transfer("pl-x-2"))
    with pytest.raises(DomainError) as refused:
        await service.handle(cmds.AcceptTransfer(member_id="m-1", transfer_id="t-1", accepted_on=ON))
    assert refusal(refused.value) == ("transfer_not_released", "transfer_id", "t-1")


async def test_a_member_struck_off_between_two_branches_is_not_taken_in_again() -> None:
    service = await membership()
    await service.handle(admission("m-1"))
    await service.handle(transfer("pl-x-2"))
    await service.handle(cmds.ReleaseTransfer(member_id="m-1", transfer_id="t-1", released_on=ON))
    await service.handle(cmds.StrikeOffMember(member_id="m-1", struck_on=ON, reason="bỏ sinh hoạt"))
    with pytest.raises(DomainError) as refused:
        await service.handle(cmds.AcceptTransfer(member_id="m-1", transfer_id="t-1", accepted_on=ON))
    assert refusal(refused.value) == ("member_not_active", "member_id", "m-1")
    assert (await service.membership.member("m-1")).status.value == "struck_off"


async def test_a_transfer_to_a_union_is_refused() -> None:
    service = await membership()
    await service.handle(admission("m-1"))
    with pytest.raises(DomainError) as refused:
        await service.handle(transfer("pl-y"))
    assert refusal(refused.value) == ("transfer_to_branch", "to_branch_id", "pl-y")


async def test_a_decision_on_a_stale_member_loses_to_the_write_before_it() -> None:
    service = await membership()
    await service.handle(admission("m-1"))
    stale = await service.membership.member("m-1")
    await service.handle(cmds.StrikeOffMember(member_id="m-1", struck_on=ON, reason="bỏ sinh hoạt"))
    with pytest.raises(ConcurrencyError) as lost:
        await service.membership.record(
            stale, lifecycle.strike_off(stale, on=ON, reason="again", today=TODAY), Context(actor="s")
        )
    assert (lost.value.stream_id, lost.value.expected, lost.value.actual) == ("member-m-1", 1, 2)


async def test_ageing_out_before_the_thirtieth_birthday_is_refused_from_the_sealed_birth_date() -> None:
    service = await membership()
    await service.handle(admission("m-1"))
    with pytest.raises(DomainError) as refused:
        await service.handle(cmds.MatureMember(member_id="m-1", matured_on=TODAY))
    assert refusal(refused.value) == ("maturity_age", "matured_on", TODAY.isoformat())


async def test_a_profile_update_is_sealed_under_the_members_existing_key() -> None:
    service = await membership()
    await service.handle(admission("m-1"))
    key = dict(service.keys.stored)
    profile = Profile(full_name="Nguyễn Văn Một", birth_date=date(2005, 4, 1))
    [updated] = await service.handle(cmds.UpdateProfile(member_id="m-1", profile=profile))
    assert updated.type == "MemberProfileUpdated" and service.keys.stored == key
    assert await service.membership.birth_date(await service.membership.member("m-1")) == date(2005, 4, 1)


async def test_renaming_and_moving_a_unit_reach_the_tree() -> None:
    service = await membership()
    await service.handle(cmds.RenameUnit(unit_id="pl-x-2", name="Chi đoàn Thôn 2"), actor="admin")
    [moved] = await service.handle(cmds.MoveUnit(unit_id="pl-x-2", new_parent_id="pl-y"), actor="admin")
    branch = await service.membership.directory.get("pl-x-2")
    assert moved.unit_path == "vn.bg.bg-pl.pl-y.pl-x-2"
    assert branch is not None and (branch.name, branch.path) == ("Chi đoàn Thôn 2", "vn.bg.bg-pl.pl-y.pl-x-2")


async def moved_out(service: Service, member_id: str = "m-1", **admitted: object) -> None:
    """``member_id`` admitted into pl-x-1 on 2026-03-26, released on 5 October, taken in by pl-y-1 (another
    union) on 20 October."""
    await service.handle(admission(member_id, **admitted))  # type: ignore[arg-type]
    steps: list[Command] = [
        cmds.RequestTransfer(
            member_id=member_id, to_branch_id="pl-y-1", requested_on=date(2026, 10, 1), transfer_id="t-1"
        ),
        cmds.ReleaseTransfer(member_id=member_id, transfer_id="t-1", released_on=date(2026, 10, 5)),
        cmds.AcceptTransfer(member_id=member_id, transfer_id="t-1", accepted_on=date(2026, 10, 20)),
    ]
    for step in steps:
        await service.handle(step)


async def test_records_back_filled_after_a_transfer_belong_to_the_branch_the_member_was_in_then() -> None:
    service = await membership()
    await moved_out(service)
    member = await service.membership.member("m-1")
    assert [(s.branch_id, s.since, s.until) for s in member.stays] == [
        ("pl-x-1", date(2026, 3, 26), date(2026, 10, 5)),
        ("pl-y-1", date(2026, 10, 20), None),
    ]
    recruit = cmds.RecordRecruit(member_id="m-1", into="association", recruited_on=date(2026, 5, 10))
    [recruited] = await service.handle(recruit)
    assert isinstance(recruited.payload, ev.YouthRecruited) and recruited.payload.unit_id == "pl-x-1"
    assert recruited.unit_path == "vn.bg.bg-pl.pl-x.pl-x-1"
    [referred] = await service.handle(cmds.ReferToParty(member_id="m-1", referred_on=date(2026, 9, 30)))
    assert referred.unit_path == "vn.bg.bg-pl.pl-x.pl-x-1"
    review = cmds.ReviewInactivity(member_id="m-1", reviewed_on=date(2026, 11, 2), outcome="kept")
    [reviewed] = await service.handle(review)
    assert reviewed.unit_path == "vn.bg.bg-pl.pl-y.pl-y-1"


async def test_a_record_dated_outside_the_members_time_in_a_branch_is_refused_and_nothing_written() -> None:
    service = await membership()
    await moved_out(service)
    version = await service.membership.store.stream_version(member_stream("m-1"))
    refused_records: list[tuple[Command, str]] = [
        # Between two branches: released on 5 October, taken in on 20 October.
        (
            cmds.RecordRecruit(member_id="m-1", into="association", recruited_on=date(2026, 10, 10)),
            "recruited_on",
        ),
        (cmds.ReferToParty(member_id="m-1", referred_on=date(2026, 10, 19)), "referred_on"),
        # Before their admission.
        (
            cmds.RateMember(member_id="m-1", year=2025, rating=ev.Rating.GOOD, rated_on=date(2026, 1, 5)),
            "rated_on",
        ),
        # By pl-y-1, theirs since 20 October 2026, for 2025: a year they were not there.
        (
            cmds.RateMember(member_id="m-1", year=2025, rating=ev.Rating.GOOD, rated_on=date(2026, 11, 25)),
            "year",
        ),
    ]
    for command, field in refused_records:
        with pytest.raises(DomainError) as refused:
            await service.handle(command)
        assert refused.value.status_code == 422
        assert (refused.value.rule, refused.value.field) == ("outside_membership_dates", field)
        assert "'pl-x-1' from 2026-03-26 until 2026-10-05; 'pl-y-1' from 2026-10-20" in str(refused.value)
    before_admission = cmds.ReferToParty(member_id="m-1", referred_on=date(2026, 3, 1))
    with pytest.raises(DomainError) as refused:
        await service.handle(before_admission)
    assert refusal(refused.value) == ("date_before_admission", "referred_on", "2026-03-01")
    assert await service.membership.store.stream_version(member_stream("m-1")) == version


async def test_a_rating_counts_six_months_in_the_branch_it_is_given_in_and_only_for_a_year_there() -> None:
    service = await membership()
    await service.handle(admission("m-1", joined_on=date(2025, 3, 26)))
    for step in (
        cmds.RequestTransfer(
            member_id="m-1", to_branch_id="pl-x-2", requested_on=date(2026, 2, 1), transfer_id="t"
        ),
        cmds.ReleaseTransfer(member_id="m-1", transfer_id="t", released_on=date(2026, 2, 2)),
        cmds.AcceptTransfer(member_id="m-1", transfer_id="t", accepted_on=date(2026, 2, 3)),
    ):
        await service.handle(step)
    # Rated for 2025 in January 2026, back-filled: by pl-x-1, where they had been for nine months.
    [rated] = await service.handle(
        cmds.RateMember(member_id="m-1", year=2025, rating=ev.Rating.GOOD, rated_on=date(2026, 1, 10))
    )
    assert rated.unit_path == "vn.bg.bg-pl.pl-x.pl-x-1"
    too_soon = cmds.RateMember(member_id="m-1", year=2026, rating=ev.Rating.GOOD, rated_on=date(2026, 7, 1))
    with pytest.raises(DomainError) as refused:
        await service.handle(too_soon)
    assert refusal(refused.value) == ("rating_needs_six_months_in_branch", "rated_on", "2026-07-01")
    assert refused.value.accepted == "a date on or after 2026-08-03"


async def test_ageing_out_dated_before_the_last_transfer_is_refused() -> None:
    service = await membership()
    await moved_out(service, born=date(1996, 4, 1))
    early = cmds.MatureMember(member_id="m-1", matured_on=date(2026, 6, 1))
    with pytest.raises(DomainError) as refused:
        await service.handle(early)
    assert refusal(refused.value) == ("outside_membership_dates", "matured_on", "2026-06-01")
    assert refused.value.accepted == "a date on or after 2026-10-20"
    [matured] = await service.handle(cmds.MatureMember(member_id="m-1", matured_on=date(2026, 11, 1)))
    assert matured.unit_path == "vn.bg.bg-pl.pl-y.pl-y-1"


async def test_a_referrer_is_of_the_union_on_the_admission_day() -> None:
    service = await membership()
    await moved_out(service)  # m-1: in pl-x-1 (union pl-x) from 26 March to 5 October, now in pl-y
    await service.handle(admission("m-2", referred_by="m-1", joined_on=date(2026, 6, 1)))
    with pytest.raises(DomainError) as now_elsewhere:
        await service.handle(admission("m-3", referred_by="m-1", joined_on=date(2026, 11, 1)))
    assert refusal(now_elsewhere.value) == ("referrer_of_another_union", "referred_by", "m-1")
    with pytest.raises(DomainError) as not_yet:
        await service.handle(admission("m-4", referred_by="m-1", joined_on=date(2026, 3, 1)))
    assert refusal(not_yet.value) == ("outside_membership_dates", "referred_by", "m-1")
    assert "on 2026-03-01" in (not_yet.value.accepted or "")
