"""Membership's command handlers: load the state, decide, append."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from services.membership.adapters.read_models import members
from services.membership.domain import members as member_rules
from services.membership.domain import units as unit_rules
from shared.clock import VIETNAM, local_date, start_of_day, utcnow
from shared.contracts.membership import UnitRegistered
from shared.contracts.org import UnitLevel, UnitType
from shared.events import Envelope, NewEvent
from shared.orgtree import UnitDirectory
from shared.store import NO_STREAM, EventStore, StreamAppend
from shared.store.event_store import Idempotency

ROOT_UNIT_ID = "vn"
ROOT_UNIT_NAME = "Trung ương Đoàn TNCS Hồ Chí Minh"


def unit_stream(unit_id: str) -> str:
    return f"unit-{unit_id}"


def member_stream(member_id: str) -> str:
    return f"member-{member_id}"


class MembershipHandlers:
    def __init__(self, store: EventStore, directory: UnitDirectory) -> None:
        self.store = store
        self.directory = directory

    async def ensure_root(self) -> None:
        """The tree always has its central unit, so the first tokens have somewhere to stand."""
        if await self.directory.get(ROOT_UNIT_ID) is not None:
            return
        event = UnitRegistered(
            unit_id=ROOT_UNIT_ID,
            name=ROOT_UNIT_NAME,
            level=UnitLevel.CENTRAL,
            unit_type=UnitType.OTHER,
            parent_id=None,
        )
        new = NewEvent(unit_stream(ROOT_UNIT_ID), event, ROOT_UNIT_ID, utcnow())
        await self.store.append(StreamAppend(new.stream_id, [new], NO_STREAM), actor="system")

    async def register_unit(
        self, cmd: unit_rules.RegisterUnit, *, actor: str, idempotency: Idempotency | None = None
    ) -> Sequence[Envelope]:
        existing = await self.directory.get(cmd.unit_id)
        parent = await self.directory.get(cmd.parent_id)
        recognising = await self.directory.get(cmd.recognising_unit_id) if cmd.recognising_unit_id else None
        event = unit_rules.register_unit(cmd, existing=existing, parent=parent, recognising=recognising)
        assert parent is not None
        new = NewEvent(unit_stream(cmd.unit_id), event, f"{parent.path}.{cmd.unit_id}", utcnow())
        return await self.store.append(
            StreamAppend(new.stream_id, [new], NO_STREAM), actor=actor, idempotency=idempotency
        )

    async def admit_member(
        self, cmd: member_rules.AdmitMember, *, actor: str, idempotency: Idempotency | None = None
    ) -> Sequence[Envelope]:
        branch = await self.directory.get(cmd.branch_id)
        async with self.store.db.read() as conn:
            exists = (
                await conn.execute(select(members.c.member_id).where(members.c.member_id == cmd.member_id))
            ).first() is not None
        event = member_rules.admit_member(
            cmd, branch=branch, member_exists=exists, today=local_date(utcnow())
        )
        assert branch is not None
        occurred = start_of_day(cmd.joined_on).astimezone(VIETNAM)
        new = NewEvent(member_stream(cmd.member_id), event, branch.path, occurred)
        return await self.store.append(
            StreamAppend(new.stream_id, [new], NO_STREAM), actor=actor, idempotency=idempotency
        )
