"""Youth care (chăm lo thanh niên): situation reports, the census, the hardship list; dues sent upward."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from services.membership.adapters.read_models import hardship_cases, unit_reports
from services.membership.app.base import Membership
from services.membership.domain import care
from services.membership.domain import commands as cmds
from services.membership.domain.streams import case_stream
from shared.clock import start_of_day
from shared.commands import Context
from shared.contracts.org import OrgUnit
from shared.events import Envelope, Event, NewEvent
from shared.ids import new_id
from shared.orgtree.guard import Dated
from shared.store import NO_STREAM


class CareHandlers:
    def __init__(self, membership: Membership) -> None:
        self.membership = membership

    async def report_situation(self, cmd: cmds.ReportYouthSituation, ctx: Context) -> Sequence[Envelope]:
        unit = await self.unit_on(cmd, Dated.on("submitted_on", cmd.submitted_on))
        event = care.report_youth_situation(
            unit,
            quarter=cmd.quarter,
            submitted_on=cmd.submitted_on,
            summary=cmd.summary,
            already=await self.reported(cmd.unit_id, "situation", cmd.quarter),
            today=self.membership.today(),
        )
        return await self.membership.unit_event(unit, event, ctx, on=cmd.submitted_on)

    async def record_census(self, cmd: cmds.RecordYouthCensus, ctx: Context) -> Sequence[Envelope]:
        unit = await self.unit_on(cmd, Dated.on("as_of", cmd.as_of))
        event = care.record_census(unit, as_of=cmd.as_of, counts=cmd.counts, today=self.membership.today())
        return await self.membership.unit_event(unit, event, ctx, on=cmd.as_of)

    async def review_hardship_list(self, cmd: cmds.ReviewHardshipList, ctx: Context) -> Sequence[Envelope]:
        unit = await self.unit_on(cmd, Dated.on("reviewed_on", cmd.reviewed_on))
        open_cases = await self.open_cases(cmd.unit_id)
        event = care.review_hardship_list(
            unit, on=cmd.reviewed_on, open_cases=open_cases, today=self.membership.today()
        )
        return await self.membership.unit_event(unit, event, ctx, on=cmd.reviewed_on)

    async def remit_dues(self, cmd: cmds.RemitDues, ctx: Context) -> Sequence[Envelope]:
        unit = await self.unit_on(cmd, Dated.month("month", cmd.month))
        event = care.remit_dues(
            unit,
            month=cmd.month,
            amount_vnd=cmd.amount_vnd,
            already=await self.reported(cmd.unit_id, "remittance", cmd.month),
            today=self.membership.today(),
        )
        return await self.membership.unit_event(unit, event, ctx)

    async def list_case(self, cmd: cmds.ListHardshipCase, ctx: Context) -> Sequence[Envelope]:
        case_id = cmd.case_id or new_id("p")
        ctx.named["case_id"] = case_id
        unit = await self.unit_on(cmd, Dated.on("listed_on", cmd.listed_on))
        sealer = await self.membership.keys.sealer([case_id])
        event = care.list_hardship_case(
            unit,
            case_id=case_id,
            listed_on=cmd.listed_on,
            sealed=sealer.seal(case_id, cmd.details.model_dump(mode="json", exclude_none=True)),
            exists=await self.membership.hardship_case(case_id) is not None,
            today=self.membership.today(),
        )
        new = NewEvent(case_stream(case_id), event, unit.path, start_of_day(cmd.listed_on))
        return await self.membership.append(new, ctx, NO_STREAM, sealer.store_created)

    async def close_case(self, cmd: cmds.CloseHardshipCase, ctx: Context) -> Sequence[Envelope]:
        case = await self.membership.hardship_case(cmd.case_id)
        event = care.close_hardship_case(
            case,
            cmd.case_id,
            unit=await self.unit_of(case),
            on=cmd.closed_on,
            reason=cmd.reason,
            today=self.membership.today(),
        )
        return await self.case_event(case, event, cmd.closed_on, ctx)

    async def record_care(self, cmd: cmds.RecordCareAction, ctx: Context) -> Sequence[Envelope]:
        case = await self.membership.hardship_case(cmd.case_id)
        event = care.record_care_action(
            case,
            cmd.case_id,
            unit=await self.unit_of(case),
            on=cmd.acted_on,
            action=cmd.action,
            today=self.membership.today(),
        )
        return await self.case_event(case, event, cmd.acted_on, ctx)

    async def unit_on(self, cmd: cmds.UnitCommand, when: Dated) -> OrgUnit:
        """The command's unit, existing on the record's date."""
        return care.unit_on(await self.membership.directory.get(cmd.unit_id), cmd.unit_id, when)

    async def unit_of(self, case: care.HardshipCase | None) -> OrgUnit | None:
        return await self.membership.directory.get(case.unit_id) if case is not None else None

    async def case_event(
        self, case: care.HardshipCase | None, event: Event, on: date, ctx: Context
    ) -> Sequence[Envelope]:
        assert case is not None  # the domain refused an unknown case
        path = await self.membership.directory.path_of(case.unit_id)
        assert path is not None
        return await self.membership.append(
            NewEvent(case_stream(case.case_id), event, path, start_of_day(on)), ctx
        )

    async def reported(self, unit_id: str, kind: str, period: str) -> bool:
        """Whether the unit already reported ``kind`` (a situation report, a remittance) for ``period``."""
        async with self.membership.store.db.read() as conn:
            row = (
                await conn.execute(
                    select(unit_reports.c.unit_id).where(
                        (unit_reports.c.unit_id == unit_id)
                        & (unit_reports.c.kind == kind)
                        & (unit_reports.c.period == period)
                    )
                )
            ).first()
        return row is not None

    async def open_cases(self, unit_id: str) -> int:
        async with self.membership.store.db.read() as conn:
            value = (
                await conn.execute(
                    select(func.count())
                    .select_from(hardship_cases)
                    .where((hardship_cases.c.unit_id == unit_id) & hardship_cases.c.closed_on.is_(None))
                )
            ).scalar()
        return int(value or 0)
