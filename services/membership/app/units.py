"""The org tree: the central unit, and registering, renaming, moving, closing and reviewing units."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from services.membership.adapters.read_models import members
from services.membership.app.base import Membership
from services.membership.domain import commands as cmds
from services.membership.domain import units
from services.membership.domain.member import MemberStatus
from services.membership.domain.streams import unit_stream
from shared.clock import start_of_day, utcnow
from shared.commands import Context
from shared.contracts import membership as ev
from shared.contracts.org import UnitLevel, UnitType
from shared.events import Envelope, NewEvent
from shared.store import NO_STREAM, StreamAppend

ROOT_UNIT_ID = "vn"
ROOT_UNIT_NAME = "Trung ương Đoàn TNCS Hồ Chí Minh"
ROOT_FOUNDED = date(1931, 3, 26)
"""The Đoàn's founding day: the central unit counts from then."""


class UnitHandlers:
    def __init__(self, membership: Membership) -> None:
        self.membership = membership
        self.directory = membership.directory

    async def ensure_root(self) -> None:
        """The tree always has its central unit, so the first tokens have somewhere to stand."""
        if await self.directory.get(ROOT_UNIT_ID) is not None:
            return
        event = ev.UnitRegistered(
            unit_id=ROOT_UNIT_ID,
            name=ROOT_UNIT_NAME,
            level=UnitLevel.CENTRAL,
            unit_type=UnitType.OTHER,
            parent_id=None,
            established_on=ROOT_FOUNDED,
        )
        new = NewEvent(unit_stream(ROOT_UNIT_ID), event, ROOT_UNIT_ID, start_of_day(ROOT_FOUNDED))
        await self.membership.store.append(StreamAppend(new.stream_id, [new], NO_STREAM), actor="system")

    async def register(self, cmd: cmds.RegisterUnit, ctx: Context) -> Sequence[Envelope]:
        existing = await self.directory.get(cmd.unit_id)
        parent = await self.directory.get(cmd.parent_id)
        recognising = await self.directory.get(cmd.recognising_unit_id) if cmd.recognising_unit_id else None
        event = units.register_unit(
            cmd, existing=existing, parent=parent, recognising=recognising, today=self.membership.today()
        )
        assert parent is not None
        # The registration occurred on the founding day (today when not given, as the service's clock
        # says): the unit counts from then, everywhere.
        occurred = start_of_day(cmd.established_on or self.membership.today())
        new = NewEvent(unit_stream(cmd.unit_id), event, f"{parent.path}.{cmd.unit_id}", occurred)
        return await self.membership.append(new, ctx, NO_STREAM)

    async def rename(self, cmd: cmds.RenameUnit, ctx: Context) -> Sequence[Envelope]:
        unit = await self.directory.get(cmd.unit_id)
        event = units.rename_unit(unit, cmd.unit_id, cmd.name)
        assert unit is not None
        return await self.membership.unit_event(unit, event, ctx)

    async def move(self, cmd: cmds.MoveUnit, ctx: Context) -> Sequence[Envelope]:
        unit = await self.directory.get(cmd.unit_id)
        recognising = cmd.recognising_unit_id
        event = units.move_unit(
            unit,
            cmd.unit_id,
            new_parent=await self.directory.get(cmd.new_parent_id),
            new_parent_id=cmd.new_parent_id,
            recognising=await self.directory.get(recognising) if recognising else None,
            recognising_unit_id=recognising,
        )
        assert unit is not None
        # The event carries the new path: subscribers of the new parent's subtree see the move.
        parent_path = await self.directory.path_of(cmd.new_parent_id)
        new = NewEvent(unit_stream(cmd.unit_id), event, f"{parent_path}.{cmd.unit_id}", utcnow())
        return await self.membership.append(new, ctx)

    async def close(self, cmd: cmds.CloseUnit, ctx: Context) -> Sequence[Envelope]:
        unit = await self.directory.get(cmd.unit_id)
        below = await self.directory.below(cmd.unit_id, include_self=False, active_only=True) if unit else []
        event = units.close_unit(
            unit,
            cmd.unit_id,
            reason=cmd.reason,
            merged_into=await self.directory.get(cmd.merged_into) if cmd.merged_into else None,
            merged_into_id=cmd.merged_into,
            active_units_below=len(below),
            members_on_rolls=await self.members_on_rolls(unit.path) if unit else 0,
            closed_on=cmd.closed_on,
            today=self.membership.today(),
        )
        assert unit is not None
        # Closed on the day given, else today as the service's clock says.
        return await self.membership.unit_event(unit, event, ctx, on=cmd.closed_on or self.membership.today())

    async def correct_dates(self, cmd: cmds.CorrectUnitDates, ctx: Context) -> Sequence[Envelope]:
        unit = await self.directory.get(cmd.unit_id)
        event = units.correct_unit_dates(unit, cmd, today=self.membership.today())
        assert unit is not None
        return await self.membership.unit_event(unit, event, ctx)

    async def review_roster(self, cmd: cmds.ReviewRoster, ctx: Context) -> Sequence[Envelope]:
        branch = await self.directory.get(cmd.unit_id)
        event = units.review_roster(
            branch,
            cmd.unit_id,
            on=cmd.reviewed_on,
            today=self.membership.today(),
            active_members=await self.members_on_rolls(branch.path) if branch else 0,
        )
        assert branch is not None
        return await self.membership.unit_event(branch, event, ctx, on=cmd.reviewed_on)

    async def members_on_rolls(self, path: str) -> int:
        """Members active or in transfer in the unit at ``path`` and below it."""
        under = (members.c.unit_path == path) | members.c.unit_path.startswith(f"{path}.", autoescape=True)
        on_rolls = members.c.status.in_([MemberStatus.ACTIVE.value, MemberStatus.IN_TRANSFER.value])
        async with self.membership.store.db.read() as conn:
            count = (
                await conn.execute(select(func.count()).select_from(members).where(under & on_rolls))
            ).scalar()
        return int(count or 0)
