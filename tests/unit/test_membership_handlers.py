"""Membership's handlers driven with commands over in-memory ports: the events appended, and the refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from services.membership.app.handlers import MembershipHandlers, member_stream
from services.membership.domain import lifecycle
from services.membership.domain.member import Member, MemberStatus
from services.membership.domain.members import AdmitMember
from services.membership.domain.profile import Profile
from services.membership.domain.units import RegisterUnit
from shared.clock import FixedClock
from shared.contracts import membership as ev
from shared.contracts.org import UnitLevel, UnitType
from shared.errors import DomainError
from shared.events import Envelope, Event
from shared.store import ConcurrencyError, IdempotencyConflictError, IdempotentResult
from shared.store.event_store import Idempotency
from tests.fakes import InMemoryEventStore, InMemoryKeyRing, InMemoryUnitDirectory, refusal

TODAY = date(2026, 12, 7)
CLOCK = FixedClock(datetime(2026, 12, 7, 3, tzinfo=UTC))  # 10:00 on TODAY in Vietnam


def unit(unit_id: str, level: UnitLevel, parent_id: str) -> RegisterUnit:
    return RegisterUnit(unit_id, f"Đoàn {unit_id}", level, UnitType.COMMUNE_WARD, parent_id)


async def membership() -> MembershipHandlers:
    """The handlers over a tree vn > bg > bg-pl > pl-x > branches pl-x-1 and pl-x-2 (and pl-y > pl-y-1)."""
    store = InMemoryEventStore("membership")
    directory = InMemoryUnitDirectory()
    store.on_append(directory.apply)  # the org tree is kept inline, as membership keeps it
    handlers = MembershipHandlers(store, directory, CLOCK, keys=InMemoryKeyRing())
    await handlers.ensure_root()
    for command in (
        unit("bg", UnitLevel.PROVINCE, "vn"),
        unit("bg-pl", UnitLevel.DISTRICT, "bg"),
        unit("pl-x", UnitLevel.GRASSROOTS, "bg-pl"),
        unit("pl-x-1", UnitLevel.BRANCH, "pl-x"),
        unit("pl-x-2", UnitLevel.BRANCH, "pl-x"),
        unit("pl-y", UnitLevel.GRASSROOTS, "bg-pl"),
        unit("pl-y-1", UnitLevel.BRANCH, "pl-y"),
    ):
        await handlers.register_unit(command, actor="admin")
    return handlers


def admission(
    member_id: str, branch_id: str = "pl-x-1", *, born: date = date(2005, 3, 1), **more: object
) -> AdmitMember:
    profile = Profile(full_name=f"Nguyễn Văn {member_id}", birth_date=born)
    return AdmitMember(member_id, branch_id, date(2026, 3, 26), f"QĐ {member_id}", profile, **more)  # type: ignore[arg-type]


async def act(
    handlers: MembershipHandlers, member_id: str, decide: Callable[[Member], Event], on: date
) -> list[Envelope]:
    """What a member route does: load the member, decide, append where the member was read."""
    member = await handlers.member(member_id)
    return list(
        await handlers.member_event(member, decide(member), actor="secretary", idempotency=None, on=on)
    )


async def test_registered_units_form_the_tree_under_the_central_unit() -> None:
    handlers = await membership()
    branch = await handlers.directory.get("pl-x-1")
    assert branch is not None and branch.path == "vn.bg.bg-pl.pl-x.pl-x-1"
    assert await handlers.union_of("pl-x-1") == "pl-x"
    assert [u.unit_id for u in await handlers.directory.below("pl-x", include_self=False)] == [
        "pl-x-1",
        "pl-x-2",
    ]


async def test_a_unit_id_already_registered_is_refused() -> None:
    handlers = await membership()
    with pytest.raises(DomainError) as refused:
        await handlers.register_unit(unit("pl-x", UnitLevel.GRASSROOTS, "bg-pl"), actor="admin")
    assert refusal(refused.value) == ("unit_exists", "unit_id", "pl-x")
    assert refused.value.status_code == 409


async def test_a_branch_directly_under_a_district_is_refused() -> None:
    handlers = await membership()
    with pytest.raises(DomainError) as refused:
        await handlers.register_unit(unit("pl-z-1", UnitLevel.BRANCH, "bg-pl"), actor="admin")
    assert refusal(refused.value) == ("level_under_parent", "level", "branch")


async def test_an_admission_appends_member_joined_with_the_profile_sealed() -> None:
    handlers = await membership()
    [joined] = await handlers.admit_member(admission("m-1"), actor="secretary")
    assert isinstance(joined.payload, ev.MemberJoined)
    assert (joined.stream_id, joined.unit_path, joined.payload.birth_year) == (
        "member-m-1",
        "vn.bg.bg-pl.pl-x.pl-x-1",
        2005,
    )
    assert "Nguyễn" not in joined.body().decode()
    member = await handlers.member("m-1")
    assert member.status is MemberStatus.ACTIVE and member.branch_id == "pl-x-1"
    assert await handlers.birth_date(member) == date(2005, 3, 1)


async def test_admitting_the_same_member_twice_is_refused() -> None:
    handlers = await membership()
    await handlers.admit_member(admission("m-1"), actor="secretary")
    with pytest.raises(DomainError) as refused:
        await handlers.admit_member(admission("m-1"), actor="secretary")
    assert refusal(refused.value) == ("member_exists", "member_id", "m-1")


async def test_an_admission_outside_the_ages_is_refused_and_stores_nothing() -> None:
    handlers = await membership()
    with pytest.raises(DomainError) as refused:
        await handlers.admit_member(admission("m-1", born=date(1990, 1, 1)), actor="secretary")
    assert refusal(refused.value) == ("age_at_admission", "profile.birth_date", "1990-01-01")
    assert await handlers.store.stream_version(member_stream("m-1")) == 0


async def test_an_admission_into_a_union_rather_than_a_branch_is_refused() -> None:
    handlers = await membership()
    with pytest.raises(DomainError) as refused:
        await handlers.admit_member(admission("m-1", "pl-x"), actor="secretary")
    assert refusal(refused.value) == ("admission_into_branch", "branch_id", "pl-x")


async def test_a_referrer_of_another_union_is_refused() -> None:
    handlers = await membership()
    await handlers.admit_member(admission("m-1", "pl-y-1"), actor="secretary")
    with pytest.raises(DomainError) as refused:
        await handlers.admit_member(admission("m-2", referred_by="m-1"), actor="secretary")
    assert refusal(refused.value) == ("referrer_of_another_union", "referred_by", "m-1")


async def test_an_admission_under_a_key_keeps_its_answer_for_the_retry_and_refuses_another_request() -> None:
    handlers = await membership()

    def answer(envelopes: object) -> IdempotentResult:
        return IdempotentResult(201, {"admitted": "m-1"})

    await handlers.admit_member(admission("m-1"), actor="s", idempotency=Idempotency("k", "h", answer))
    # A retry is answered from here before the handler runs (shared.http.idempotency.run_command).
    assert await handlers.store.find_idempotent("k", "h") == IdempotentResult(201, {"admitted": "m-1"})
    with pytest.raises(IdempotencyConflictError):
        await handlers.admit_member(
            admission("m-2"), actor="s", idempotency=Idempotency("k", "other", answer)
        )
    assert await handlers.store.stream_version(member_stream("m-2")) == 0


async def test_admission_then_transfer_moves_the_member_to_the_receiving_branch() -> None:
    handlers = await membership()
    await handlers.admit_member(admission("m-1"), actor="secretary")
    to_branch = await handlers.directory.get("pl-x-2")
    on = date(2026, 11, 2)
    requested = await act(
        handlers,
        "m-1",
        lambda m: lifecycle.request_transfer(
            m, transfer_id="t-1", to_branch=to_branch, to_branch_id="pl-x-2", on=on, today=TODAY
        ),
        on,
    )
    await act(
        handlers, "m-1", lambda m: lifecycle.release_transfer(m, transfer_id="t-1", on=on, today=TODAY), on
    )
    [accepted] = await act(
        handlers, "m-1", lambda m: lifecycle.accept_transfer(m, transfer_id="t-1", on=on, today=TODAY), on
    )
    assert requested[0].type == "MemberTransferRequested"
    assert accepted.type == "MemberTransferAccepted" and accepted.unit_path == "vn.bg.bg-pl.pl-x.pl-x-2"
    member = await handlers.member("m-1")
    assert (member.branch_id, member.transfer, member.version) == ("pl-x-2", None, 4)


async def test_a_transfer_accepted_before_release_is_refused() -> None:
    handlers = await membership()
    await handlers.admit_member(admission("m-1"), actor="secretary")
    to_branch = await handlers.directory.get("pl-x-2")
    on = date(2026, 11, 2)
    await act(
        handlers,
        "m-1",
        lambda m: lifecycle.request_transfer(
            m, transfer_id="t-1", to_branch=to_branch, to_branch_id="pl-x-2", on=on, today=TODAY
        ),
        on,
    )
    with pytest.raises(DomainError) as refused:
        await act(
            handlers, "m-1", lambda m: lifecycle.accept_transfer(m, transfer_id="t-1", on=on, today=TODAY), on
        )
    assert refusal(refused.value) == ("transfer_not_released", "transfer_id", "t-1")


async def test_a_transfer_to_a_union_is_refused() -> None:
    handlers = await membership()
    await handlers.admit_member(admission("m-1"), actor="secretary")
    union = await handlers.directory.get("pl-y")
    on = date(2026, 11, 2)
    with pytest.raises(DomainError) as refused:
        await act(
            handlers,
            "m-1",
            lambda m: lifecycle.request_transfer(
                m, transfer_id="t-1", to_branch=union, to_branch_id="pl-y", on=on, today=TODAY
            ),
            on,
        )
    assert refusal(refused.value) == ("transfer_to_branch", "to_branch_id", "pl-y")


async def test_a_decision_on_a_stale_member_loses_to_the_write_before_it() -> None:
    handlers = await membership()
    await handlers.admit_member(admission("m-1"), actor="secretary")
    stale = await handlers.member("m-1")
    on = date(2026, 11, 2)
    await act(
        handlers, "m-1", lambda m: lifecycle.strike_off(m, on=on, reason="bỏ sinh hoạt", today=TODAY), on
    )
    with pytest.raises(ConcurrencyError) as lost:
        await handlers.member_event(
            stale,
            lifecycle.strike_off(stale, on=on, reason="again", today=TODAY),
            actor="s",
            idempotency=None,
        )
    assert (lost.value.stream_id, lost.value.expected, lost.value.actual) == ("member-m-1", 1, 2)


async def test_ageing_out_before_the_thirtieth_birthday_is_refused_from_the_sealed_birth_date() -> None:
    handlers = await membership()
    await handlers.admit_member(admission("m-1"), actor="secretary")
    member = await handlers.member("m-1")
    with pytest.raises(DomainError) as refused:
        lifecycle.mature(member, on=TODAY, birth_date=await handlers.birth_date(member), today=TODAY)
    assert refusal(refused.value) == ("maturity_age", "matured_on", TODAY.isoformat())


async def test_a_profile_update_is_sealed_under_the_members_existing_key() -> None:
    handlers = await membership()
    await handlers.admit_member(admission("m-1"), actor="secretary")
    keys = handlers.keys
    assert isinstance(keys, InMemoryKeyRing)
    key = dict(keys.stored)
    profile = Profile(full_name="Nguyễn Văn Một", birth_date=date(2005, 4, 1))
    [updated] = await handlers.update_profile(await handlers.member("m-1"), profile, actor="secretary")
    assert updated.type == "MemberProfileUpdated" and keys.stored == key
    assert await handlers.birth_date(await handlers.member("m-1")) == date(2005, 4, 1)


async def test_renaming_and_moving_a_unit_reach_the_tree() -> None:
    handlers = await membership()
    await handlers.rename_unit("pl-x-2", "Chi đoàn Thôn 2", actor="admin")
    [moved] = await handlers.move_unit("pl-x-2", "pl-y", None, actor="admin")
    branch = await handlers.directory.get("pl-x-2")
    assert moved.unit_path == "vn.bg.bg-pl.pl-y.pl-x-2"
    assert branch is not None and (branch.name, branch.path) == ("Chi đoàn Thôn 2", "vn.bg.bg-pl.pl-y.pl-x-2")
